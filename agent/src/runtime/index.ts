export { type AgentOptions, type RunningAgent, startAgent } from './agent.js';
export { loadPoller, loadProber } from './plugins.js';
export { checkOutcome } from './record.js';
export type { Outcome, Poller, Prober, SnapshotInput, WalkRow } from './types.js';
