export { decodeCompactBatch } from './compact-decode.js';
export { type CompactOptions, encodeCompactBatch } from './compact-encode.js';
export {
  CAPABILITY_COMPACT_BATCH,
  COMPACT_FORMAT_VERSION,
  COMPACT_LIMITS,
  COMPRESSIONS,
  type Compression,
  isCompactBatch,
} from './format.js';
export { validateBatch, validateBatchFast } from './validate.js';
