export { type HubConfig, loadConfig, parseConfig } from './config.js';
export type { HubContext } from './context.js';
export { type RunningHub, startHub } from './server.js';
export { HUB_VERSION } from './version.js';
