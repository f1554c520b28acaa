export { type HubConfig, loadConfig, parseConfig } from './config.js';
export type { HubContext } from './context.js';
export { type RunningHub, startHub } from './server.js';
export { buildSiteGraph } from './topology/graph.js';
export type { SiteGraph, SiteInventory } from './topology/types.js';
export { HUB_VERSION } from './version.js';
