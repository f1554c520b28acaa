import { brotliCompressSync, constants, deflateRawSync } from 'node:zlib';
import { type Failure, fail, fieldFailure } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { BatchInput, Sample } from '../messages/batch.js';
import { ByteWriter, zigzag } from './bytes.js';
import {
  COMPACT_FORMAT_VERSION,
  COMPACT_LIMITS,
  COMPACT_MAGIC,
  COMPRESSIONS,
  type Compression,
  MAX_DECIMAL_SCALE,
  MAX_MANTISSA,
  POW10,
  SERIES_HAS_LABELS,
  SERIES_HAS_UNIT,
  TARGET_AGENT,
  TARGET_CAMERA,
  TARGET_DEVICE,
  VALUE_FLOAT64,
} from './format.js';
import { type BatchMessage, validateBatch } from './validate.js';

export interface CompactOptions {
  /** Default `brotli`: a fifth to a third smaller than raw deflate on real batches for a little more CPU (bench/wire.ts). */
  compression?: Compression;
  /** zlib level (0-9, default 6) or brotli quality (0-11, default 5). */
  level?: number;
}

export type CompactEncodeResult = { ok: true; bytes: Uint8Array; bodyBytes: number } | Failure;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The value kind of `v` (0..15: decimal scale of an exact mantissa; 16: float64) and its mantissa. */
export function valueKind(v: number): { kind: number; mantissa: number } {
  if (Number.isInteger(v) && v <= MAX_MANTISSA && v >= -MAX_MANTISSA) return { kind: 0, mantissa: v };
  if (Number.isFinite(v)) {
    for (let k = 1; k <= MAX_DECIMAL_SCALE; k++) {
      const p = POW10[k]!;
      const m = Math.round(v * p);
      if (m > MAX_MANTISSA || m < -MAX_MANTISSA) break;
      // The decoder computes m / 10^k: the same IEEE division gives back exactly v.
      if (m / p === v) return { kind: k, mantissa: m };
    }
  }
  return { kind: VALUE_FLOAT64, mantissa: 0 };
}

/**
 * Encodes a batch in the compact format (protocol/README.md, "Compact batches"). Validates like `encode`:
 * a refusal names the field path. Never throws.
 */
export function encodeCompactBatch(input: BatchInput, opts: CompactOptions = {}): CompactEncodeResult {
  const valid = validateBatch(input);
  if (!valid.ok) return valid;
  try {
    return encodeValid(valid.message, opts);
  } catch (err) {
    return fail('encoding', `invalid batch: compact encoding failed: ${(err as Error).message}`);
  }
}

function encodeValid(batch: BatchMessage, opts: CompactOptions): CompactEncodeResult {
  const compression = opts.compression ?? 'brotli';
  const compressionId = COMPRESSIONS.indexOf(compression);
  if (compressionId < 0) return fail('encoding', `invalid batch: unknown compression "${compression}"`);
  const { samples } = batch;
  const n = samples.length;

  const strings = new Map<string, number>();
  const stringTable = new ByteWriter(1024);
  let badString: string | null = null;
  const str = (s: string, path: () => string): number => {
    let i = strings.get(s);
    if (i === undefined) {
      // UTF-8 cannot carry a lone surrogate (JSON can, escaped): refuse rather than alter the string.
      if (badString === null && LONE_SURROGATE.test(s)) badString = path();
      i = strings.size;
      strings.set(s, i);
      stringTable.string(s);
    }
    return i;
  };

  const labelSets = new Map<string, number>();
  const labelSetTable = new ByteWriter(1024);
  const labelSetOf = (labels: Record<string, string>, i: number): number => {
    const key = labelsKey(labels);
    let idx = labelSets.get(key);
    if (idx === undefined) {
      idx = labelSets.size;
      labelSets.set(key, idx);
      const keys = Object.keys(labels);
      labelSetTable.varint(keys.length);
      for (const k of keys) {
        labelSetTable.varint(str(k, () => `samples.${i}.labels.${k}`));
        labelSetTable.varint(str(labels[k]!, () => `samples.${i}.labels.${k}`));
      }
    }
    return idx;
  };

  const seriesIndex = new Map<string, number>();
  const seriesTable = new ByteWriter(1024);
  const seriesColumn = new ByteWriter(n + 16);
  const tsColumn = new ByteWriter(n + 16);
  const kindColumn = new Uint8Array(n);
  const mantissas = new ByteWriter(n * 3 + 16);
  const floats: number[] = [];
  let prevSeries = -1;
  let prevTs = batch.sent_at;
  let prevLabels: Record<string, string> | undefined;
  let prevSet = -1;
  for (let i = 0; i < n; i++) {
    const s = samples[i]!;
    // Samples of one interface or sensor come one after another with equal labels: no lookup for those.
    let set = -1;
    if (s.labels !== undefined) {
      set = prevLabels !== undefined && sameLabels(s.labels, prevLabels) ? prevSet : labelSetOf(s.labels, i);
      prevLabels = s.labels;
      prevSet = set;
    }
    const target =
      s.device_id !== undefined ? `d${s.device_id}` : s.camera_id !== undefined ? `c${s.camera_id}` : 'a';
    // A unit absent differs from "" (no prefix vs ":"); the metric and set index cannot contain "|" or ":".
    const key = `${set}|${target}|${s.metric}${s.unit === undefined ? '' : `:${s.unit}`}`;
    let idx = seriesIndex.get(key);
    if (idx === undefined) {
      idx = seriesIndex.size;
      seriesIndex.set(key, idx);
      writeSeries(seriesTable, s, i, str, set);
    }
    seriesColumn.varint(zigzag(idx - prevSeries - 1));
    prevSeries = idx;
    tsColumn.varint(zigzag(s.ts - prevTs));
    prevTs = s.ts;
    const { kind, mantissa } = valueKind(s.value);
    kindColumn[i] = kind;
    if (kind === VALUE_FLOAT64) floats.push(s.value);
    else mantissas.varint(zigzag(mantissa));
  }
  if (badString !== null)
    return fieldFailure('encoding', 'batch', badString, 'not valid Unicode (a lone surrogate)');

  const body = new ByteWriter(
    32 +
      stringTable.pos +
      labelSetTable.pos +
      seriesTable.pos +
      seriesColumn.pos +
      tsColumn.pos +
      n +
      mantissas.pos +
      8 * floats.length,
  );
  body.varint(batch.seq);
  body.varint(batch.sent_at);
  body.varint(strings.size);
  body.bytes(stringTable.result());
  body.varint(labelSets.size);
  body.bytes(labelSetTable.result());
  body.varint(seriesIndex.size);
  body.bytes(seriesTable.result());
  body.varint(n);
  body.bytes(seriesColumn.result());
  body.bytes(tsColumn.result());
  body.bytes(kindColumn);
  body.bytes(mantissas.result());
  body.float64Split(floats);
  body.string(batch.events.length > 0 ? JSON.stringify(batch.events) : '');
  const raw = body.result();
  if (raw.length > COMPACT_LIMITS.bodyBytes)
    return fail(
      'too_large',
      `invalid batch: compact body is ${raw.length} bytes, the limit is ${COMPACT_LIMITS.bodyBytes}`,
    );

  const packed = compress(raw, compression, opts.level);
  const header = new ByteWriter(16);
  header.bytes(Uint8Array.from(COMPACT_MAGIC));
  header.byte(COMPACT_FORMAT_VERSION);
  header.byte(compressionId);
  header.varint(raw.length);
  const bytes = new Uint8Array(header.pos + packed.length);
  bytes.set(header.result(), 0);
  bytes.set(packed, header.pos);
  if (bytes.length > LIMITS.batchBytes)
    return fail('too_large', `invalid batch: ${bytes.length} bytes, the limit is ${LIMITS.batchBytes}`);
  return { ok: true, bytes, bodyBytes: raw.length };
}

/** Identifies a label set, keys in their order; length prefixes keep any two different sets apart. */
function labelsKey(labels: Record<string, string>): string {
  let key = '';
  for (const k in labels) {
    const v = labels[k]!;
    key += `${k.length}:${k}${v.length}:${v}`;
  }
  return key;
}

/** Same keys in the same order with the same values. */
function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || a[k] !== b[k]) return false;
  }
  return true;
}

function writeSeries(
  w: ByteWriter,
  s: Sample,
  i: number,
  str: (s: string, path: () => string) => number,
  labelSet: number,
): void {
  const target =
    s.device_id !== undefined ? TARGET_DEVICE : s.camera_id !== undefined ? TARGET_CAMERA : TARGET_AGENT;
  let flags = target;
  if (s.unit !== undefined) flags |= SERIES_HAS_UNIT;
  if (labelSet >= 0) flags |= SERIES_HAS_LABELS;
  w.byte(flags);
  if (target === TARGET_DEVICE) w.varint(s.device_id!);
  else if (target === TARGET_CAMERA) w.varint(s.camera_id!);
  w.varint(str(s.metric, () => `samples.${i}.metric`));
  if (s.unit !== undefined) w.varint(str(s.unit, () => `samples.${i}.unit`));
  if (labelSet >= 0) w.varint(labelSet);
}

function compress(raw: Uint8Array, compression: Compression, level: number | undefined): Uint8Array {
  if (compression === 'none') return raw;
  if (compression === 'deflate-raw') return deflateRawSync(raw, { level: level ?? 6 });
  return brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: level ?? 5,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      // A window no larger than the body (a batch is at most 1 MiB) compresses the same with less memory.
      [constants.BROTLI_PARAM_LGWIN]: Math.max(16, Math.min(20, Math.ceil(Math.log2(raw.length + 1)))),
    },
  });
}
