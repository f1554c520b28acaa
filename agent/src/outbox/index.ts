import { LIMITS } from '@outpost/protocol';
import type { BatchLimits } from './types.js';

export { MemoryOutbox, type MemoryOutboxOptions } from './memory.js';
export { readOutboxStats, SqliteOutbox, type SqliteOutboxOptions } from './sqlite.js';
export * from './types.js';

/** Batch limits from the protocol, with room for the envelope and JSON escaping differences. */
export const PROTOCOL_BATCH_LIMITS: BatchLimits = {
  maxSamples: LIMITS.batchSamples,
  maxEvents: LIMITS.batchEvents,
  maxBytes: LIMITS.batchBytes - 4096,
};
