export type { HubConfig } from './config.js';
export { loadConfig, parseConfig } from './config-load.js';
export type { HubContext } from './context.js';
export { type RunningHub, startHub } from './server.js';
export { buildSiteGraph } from './topology/graph.js';
export type { SiteGraph, SiteInventory } from './topology/types.js';
export { HUB_VERSION } from './version.js';
