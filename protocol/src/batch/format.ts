/**
 * The compact `up/batch` encoding, format 1 (protocol/README.md, "Compact batches"):
 *
 *   header  "OPB" | u8 format (1) | u8 compression | varint body length
 *   body    (compressed as the header says)
 *     varint seq | varint sent_at
 *     varint strings    | per string: varint UTF-8 length, bytes
 *     varint label sets | per set: varint n, n x (varint key, varint value)   (string indexes)
 *     varint series     | per series: u8 flags, [varint id], varint metric, [varint unit], [varint label set]
 *     varint samples    | series column | ts column | value kind column | mantissa column | float64 column
 *                         (the float64 column byte-split: byte 0 of every value, then byte 1, ...)
 *     varint events JSON length | UTF-8 JSON array of events
 */

import { LIMITS } from '../limits.js';

/** The first bytes of every compact batch: "OPB". No JSON text starts with them. */
export const COMPACT_MAGIC = [0x4f, 0x50, 0x42] as const;
/** The format this code writes and reads. */
export const COMPACT_FORMAT_VERSION = 1;

/**
 * The capability a hub announces in `down/config` (`capabilities`) when it decodes compact batches of format 1.
 * An agent sends compact batches only to a hub that announces it.
 */
export const CAPABILITY_COMPACT_BATCH = 'batch.compact.1';

export const COMPRESSIONS = ['none', 'deflate-raw', 'brotli'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** Series flags: the target in bits 0-1, then which optional parts follow. */
export const SERIES_TARGET_MASK = 0b11;
export const TARGET_AGENT = 0;
export const TARGET_DEVICE = 1;
export const TARGET_CAMERA = 2;
export const SERIES_HAS_UNIT = 0b100;
export const SERIES_HAS_LABELS = 0b1000;
export const SERIES_KNOWN_FLAGS = 0b1111;

/** Value kinds 0..15: value = mantissa / 10^kind (0: an integer). */
export const MAX_DECIMAL_SCALE = 15;
/** Value kind: the value is a float64 in the float column. */
export const VALUE_FLOAT64 = 16;
/** Largest mantissa magnitude: below 2^52, so that its zigzag form is a safe integer. */
export const MAX_MANTISSA = 2 ** 52 - 1;
export const POW10: readonly number[] = Array.from({ length: MAX_DECIMAL_SCALE + 1 }, (_, k) => 10 ** k);

/** Limits of the format itself (the batch limits of LIMITS apply too). */
export const COMPACT_LIMITS = {
  /** Largest body once decompressed: a bound against decompression bombs. */
  bodyBytes: LIMITS.batchBytes,
  /** Most strings in the table: each series uses at most metric, unit and 16 label keys and values. */
  strings: LIMITS.batchSamples * (2 + 2 * LIMITS.sampleLabels),
  /** Longest string in UTF-8 bytes (256 code points of at most 4 bytes). */
  stringBytes: 1_024,
  /** Most series: at most one per sample. */
  series: LIMITS.batchSamples,
  /** Most label sets: at most one per series. */
  labelSets: LIMITS.batchSamples,
} as const;

/** True when the payload is a compact batch (of any format version): it starts with the magic bytes. */
export function isCompactBatch(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 3 &&
    bytes[0] === COMPACT_MAGIC[0] &&
    bytes[1] === COMPACT_MAGIC[1] &&
    bytes[2] === COMPACT_MAGIC[2]
  );
}
