export { HUB_VERSION } from './version.js';
