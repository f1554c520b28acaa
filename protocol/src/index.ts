export { type AgentAcl, aclFor, canPublish, canSubscribe } from './acl.js';
export {
  type BatchColumns,
  CAPABILITY_COMPACT_BATCH,
  COMPACT_FORMAT_VERSION,
  COMPACT_LIMITS,
  COMPRESSIONS,
  type CompactDecodeCache,
  type CompactOptions,
  type Compression,
  columnsOf,
  decodeCompactBatch,
  encodeCompactBatch,
  isCompactBatch,
  type SeriesTable,
  SeriesTableCache,
  type SeriesTableCacheOptions,
  TARGET_AGENT,
  TARGET_CAMERA,
  TARGET_DEVICE,
  type TableSeries,
} from './batch/index.js';
export * from './checks/index.js';
export * from './codec.js';
export * from './discovery/index.js';
export { agentIdProblem, isValidAgentId } from './ids.js';
export { LIMITS } from './limits.js';
export * from './messages/ack.js';
export * from './messages/batch.js';
export * from './messages/command.js';
export * from './messages/common.js';
export * from './messages/config.js';
export * from './messages/result.js';
export * from './messages/snapshot.js';
export * from './messages/status.js';
export { registry } from './registry.js';
export * from './release.js';
export * from './topics.js';
