export { credentialsFor, runDiscovery, type SweepSink } from './discovery/index.js';
export * from './snmp/index.js';
export { parseTopology, readAgentNetwork, readTopology } from './topology/index.js';
export { AGENT_VERSION } from './version.js';
