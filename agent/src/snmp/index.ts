export { SnmpError, type SnmpErrorCode } from './errors.js';
export { createFakeTransport, type FakeAgent, type FakeTransport, fakeVb } from './fake-transport.js';
export { formatValue, formatVarbind } from './format.js';
export { fpingProbe } from './fping-probe.js';
export { createNetSnmpTransport, type NetSnmpTransportOptions } from './net-snmp-transport.js';
export { parseOid } from './oid.js';
export {
  createSnmpPoller,
  deviceLabel,
  type PollContext,
  type PollResult,
  type SnmpLogger,
  type SnmpPoller,
  type SnmpPollerOptions,
  type TablesRequest,
  type TablesResult,
  targetOf,
  type WalkRow,
} from './poller.js';
export { PROFILES, type Profile, registerProfiles, selectProfiles } from './profiles/index.js';
export { siteCommunities } from './site-communities.js';
export type { PingProbe } from './timeout-evidence.js';
export type { SnmpTarget, SnmpTransport, SnmpVarbind, WalkOptions, WalkStats } from './types.js';
