// The chunk codec: pure functions over bytes, shared by every time-series engine (SQLite, PostgreSQL).
export { BitReader, BitWriter, CorruptColumnError } from './bits.js';
export {
  CHUNK_FORMAT,
  CHUNK_FORMAT_SHARED_TIMES,
  type Columns,
  chunkCount,
  decimalScale,
  decodeChunk,
  decodeColumns,
  decodeTimes,
  encodeChunk,
  encodeColumns,
  encodeTimes,
  hasSharedTimes,
  MAX_CHUNK_SAMPLES,
} from './chunk.js';
export { type Bucket, decodeBuckets, encodeBuckets, mergeBuckets, rollUp } from './rollup.js';
export { StreamAppender } from './stream.js';
