export { type CompactDecodeCache, decodeCompactBatch } from './compact-decode.js';
export { type CompactOptions, encodeCompactBatch } from './compact-encode.js';
export {
  CAPABILITY_COMPACT_BATCH,
  COMPACT_FORMAT_VERSION,
  COMPACT_LIMITS,
  COMPRESSIONS,
  type Compression,
  isCompactBatch,
  TARGET_AGENT,
  TARGET_CAMERA,
  TARGET_DEVICE,
} from './format.js';
export {
  type BatchColumns,
  columnsOf,
  type SeriesTable,
  SeriesTableCache,
  type SeriesTableCacheOptions,
  type TableSeries,
} from './series-tables.js';
export { validateBatch, validateBatchFast } from './validate.js';
