export * from './snmp/index.js';
export { AGENT_VERSION } from './version.js';
