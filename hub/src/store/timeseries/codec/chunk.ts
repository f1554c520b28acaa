import { BitReader, BitWriter, CorruptColumnError } from './bits.js';
import { bestWidth, MAX_INT, readInts, residuals, writeInts } from './ints.js';
import { readXor, xorColumn } from './xor.js';

/**
 * A chunk: the samples of one series over a span of time, compressed (docs: hub/README.md "Time series").
 *
 *   u8      format: 1 timestamps inside, 2 timestamps kept apart (a times column shared by the series of one
 *           device polled together: see encodeTimes; the reader passes them in)
 *   varint  count (>= 1)
 *   varint  value columns (1 for samples; 4 for rollups: count, sum, min, max)
 *   format 1: varint timestamp column bytes, then the column: integers (ints.ts), delta-of-delta or delta
 *   per value column: u8 encoding, varint bytes, the column
 *     encoding 1 "xor":  Gorilla XOR of float64 (xor.ts)
 *     encoding 2 "dec":  u8 k (0..15), then integers m (ints.ts) with value = m / 10^k
 *
 * Timestamps are integers of magnitude up to 2^50 (epoch milliseconds until the year 37,000). The encoder
 * writes each value column both ways where "dec" applies (every value a decimal with at most 15 digits after
 * the point, magnitude below 2^50 once scaled) and keeps the smaller.
 */

export const CHUNK_FORMAT = 1;
/** A chunk whose timestamps are kept apart (a shared times column). */
export const CHUNK_FORMAT_SHARED_TIMES = 2;
export const ENC_XOR = 1;
export const ENC_DEC = 2;
const MAX_SCALE = 15;
const POW10 = Array.from({ length: MAX_SCALE + 1 }, (_, k) => 10 ** k);
/** A chunk holds at most this many samples (a bound for decoding untrusted or corrupt bytes). */
export const MAX_CHUNK_SAMPLES = 1 << 20;

export { CorruptColumnError };

/** Samples (or buckets) in column form: timestamps and one or more value columns of the same length. */
export interface Columns {
  ts: Float64Array;
  cols: Float64Array[];
}

function writeVarint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function readVarint(buf: Uint8Array, at: { pos: number }): number {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 8; i++) {
    if (at.pos >= buf.length) throw new CorruptColumnError('chunk header ends early');
    const b = buf[at.pos++] as number;
    v += (b & 0x7f) * mul;
    if (b < 0x80) return v;
    mul *= 0x80;
  }
  throw new CorruptColumnError('varint too long');
}

/** The smallest k with every value = round(v * 10^k) / 10^k exactly (and small enough), or -1. */
export function decimalScale(values: ArrayLike<number>): number {
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v === 0 && 1 / v < 0) return -1; // -0 has no integer form
    for (;;) {
      const p = POW10[k] as number;
      const m = Math.round(v * p);
      if (m / p === v && m <= MAX_INT && m >= -MAX_INT) break;
      if (++k > MAX_SCALE) return -1;
    }
  }
  return k;
}

/** Scratch space for residuals and scaled values, reused by every encode (the codec is synchronous). */
let scratch = new Float64Array(3 * 1024);
function scratchOf(n: number, part: 0 | 1 | 2): Float64Array {
  if (scratch.length < 3 * n) scratch = new Float64Array(3 * Math.max(n, 2 * (scratch.length / 3)));
  return scratch.subarray(part * n, (part + 1) * n);
}

function intColumn(ints: Float64Array): Uint8Array {
  const r1 = residuals(ints, 1, scratchOf(ints.length, 0));
  const r2 = residuals(ints, 2, scratchOf(ints.length, 1));
  const b1 = bestWidth(r1);
  const b2 = bestWidth(r2);
  const w = new BitWriter(((Math.min(b1.bits, b2.bits) + 72) >>> 3) + 8);
  if (b2.bits <= b1.bits) writeInts(w, r2, 2, b2.width);
  else writeInts(w, r1, 1, b1.width);
  return w.finish();
}

/**
 * The fewest bytes an XOR column of these values can take: 64 bits, then at least 1 bit per repeated value
 * and 3 per changed one.
 */
function xorLowerBound(values: Float64Array): number {
  let changes = 0;
  for (let i = 1; i < values.length; i++) if (!Object.is(values[i], values[i - 1])) changes++;
  return (64 + (values.length - 1 - changes) + 3 * changes) / 8;
}

/** The smaller encoding of a value column: [encoding, bytes]. */
function valueColumn(values: Float64Array): [number, Uint8Array] {
  const k = decimalScale(values);
  if (k < 0) return [ENC_XOR, xorColumn(values)];
  const p = POW10[k] as number;
  const ints = scratchOf(values.length, 2);
  for (let i = 0; i < values.length; i++) ints[i] = Math.round((values[i] as number) * p);
  const body = intColumn(ints);
  // XOR cannot beat a decimal column at or below its lower bound: no need to write it (constants, mostly).
  if (body.length + 1 > xorLowerBound(values)) {
    const xor = xorColumn(values);
    if (body.length + 1 >= xor.length) return [ENC_XOR, xor];
  }
  const dec = new Uint8Array(body.length + 1);
  dec[0] = k;
  dec.set(body, 1);
  return [ENC_DEC, dec];
}

function checkTimes(ts: ArrayLike<number>): void {
  const n = ts.length;
  if (n < 1 || n > MAX_CHUNK_SAMPLES)
    throw new RangeError(`a chunk holds 1 to ${MAX_CHUNK_SAMPLES} samples, not ${n}`);
  for (let i = 0; i < n; i++) {
    const t = ts[i] as number;
    if (!Number.isInteger(t) || t > MAX_INT || t < -MAX_INT) {
      throw new RangeError(`timestamp ${t} at ${i} is not an integer of magnitude up to 2^50`);
    }
  }
}

/** A times column on its own (to be shared by chunks with these very timestamps; the count is not in it). */
export function encodeTimes(ts: Float64Array): Uint8Array {
  checkTimes(ts);
  return intColumn(ts);
}

/** Reads `count` timestamps written by encodeTimes. */
export function decodeTimes(bytes: Uint8Array, count: number): Float64Array {
  if (count < 1 || count > MAX_CHUNK_SAMPLES || count > bytes.length * 8)
    throw new CorruptColumnError(`${count} timestamps in ${bytes.length} bytes`);
  const ts = new Float64Array(count);
  readInts(new BitReader(bytes), count, ts);
  return ts;
}

/**
 * Encodes columns (timestamps sorted or not; they are stored as given). With `sharedTimes`, the timestamps
 * are left out (format 2): the caller stores encodeTimes(ts) apart and passes them to decodeColumns.
 * Throws RangeError on bad input.
 */
export function encodeColumns(c: Columns, opts: { sharedTimes?: boolean } = {}): Uint8Array {
  const n = c.ts.length;
  checkTimes(c.ts);
  if (c.cols.length < 1 || c.cols.length > 16) throw new RangeError(`a chunk has 1 to 16 value columns`);
  const parts: Uint8Array[] = [];
  const head: number[] = [opts.sharedTimes ? CHUNK_FORMAT_SHARED_TIMES : CHUNK_FORMAT];
  writeVarint(head, n);
  writeVarint(head, c.cols.length);
  if (opts.sharedTimes) parts.push(Uint8Array.from(head));
  else {
    const ts = intColumn(c.ts);
    writeVarint(head, ts.length);
    parts.push(Uint8Array.from(head), ts);
  }
  for (const col of c.cols) {
    if (col.length !== n) throw new RangeError(`value column of ${col.length} for ${n} timestamps`);
    const [enc, bytes] = valueColumn(col);
    const h: number[] = [enc];
    writeVarint(h, bytes.length);
    parts.push(Uint8Array.from(h), bytes);
  }
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One series' samples as a chunk (format 2 with `sharedTimes`: see encodeColumns). */
export function encodeChunk(
  ts: Float64Array,
  values: Float64Array,
  opts: { sharedTimes?: boolean } = {},
): Uint8Array {
  return encodeColumns({ ts, cols: [values] }, opts);
}

function checkFormat(bytes: Uint8Array): void {
  if (bytes[0] !== CHUNK_FORMAT && bytes[0] !== CHUNK_FORMAT_SHARED_TIMES)
    throw new CorruptColumnError(
      `chunk format ${bytes[0]} is neither ${CHUNK_FORMAT} nor ${CHUNK_FORMAT_SHARED_TIMES}`,
    );
}

/** The number of samples in a chunk, from its header. */
export function chunkCount(bytes: Uint8Array): number {
  checkFormat(bytes);
  return readVarint(bytes, { pos: 1 });
}

/** True when the chunk's timestamps are kept apart (format 2). */
export function hasSharedTimes(bytes: Uint8Array): boolean {
  return bytes[0] === CHUNK_FORMAT_SHARED_TIMES;
}

/**
 * Decodes a chunk; a format 2 chunk needs its timestamps (`times`, as decodeTimes gave them). Throws
 * CorruptColumnError (code corrupt_chunk) on bytes that are not a valid chunk.
 */
export function decodeColumns(bytes: Uint8Array, times?: Float64Array): Columns {
  checkFormat(bytes);
  const at = { pos: 1 };
  const n = readVarint(bytes, at);
  if (n < 1 || n > MAX_CHUNK_SAMPLES) throw new CorruptColumnError(`chunk of ${n} samples`);
  const ncols = readVarint(bytes, at);
  if (ncols < 1 || ncols > 16) throw new CorruptColumnError(`chunk of ${ncols} value columns`);
  let ts: Float64Array;
  if (bytes[0] === CHUNK_FORMAT_SHARED_TIMES) {
    if (!times || times.length !== n)
      throw new CorruptColumnError(
        `a chunk of ${n} samples needs its ${n} timestamps, given ${times?.length ?? 0}`,
      );
    ts = times;
  } else {
    const tsLen = readVarint(bytes, at);
    if (at.pos + tsLen > bytes.length) throw new CorruptColumnError('timestamp column past the end');
    // Every timestamp after the first takes at least one bit: a count the column cannot hold is corrupt.
    if (n > tsLen * 8) throw new CorruptColumnError(`${n} timestamps in ${tsLen} bytes`);
    ts = new Float64Array(n);
    readInts(new BitReader(bytes, at.pos, at.pos + tsLen), n, ts);
    at.pos += tsLen;
  }
  const cols: Float64Array[] = [];
  for (let c = 0; c < ncols; c++) {
    if (at.pos >= bytes.length) throw new CorruptColumnError('value column missing');
    const enc = bytes[at.pos++] as number;
    const len = readVarint(bytes, at);
    const end = at.pos + len;
    if (end > bytes.length) throw new CorruptColumnError('value column past the end');
    const out = new Float64Array(n);
    if (enc === ENC_XOR) readXor(new BitReader(bytes, at.pos, end), n, out);
    else if (enc === ENC_DEC) {
      const k = bytes[at.pos] as number;
      if (k > MAX_SCALE) throw new CorruptColumnError(`decimal scale ${k}`);
      readInts(new BitReader(bytes, at.pos + 1, end), n, out);
      const p = POW10[k] as number;
      if (k > 0) for (let i = 0; i < n; i++) out[i] = (out[i] as number) / p;
    } else throw new CorruptColumnError(`value column encoding ${enc}`);
    cols.push(out);
    at.pos = end;
  }
  return { ts, cols };
}

/** Decodes a one-column chunk into timestamps and values (`times` for a format 2 chunk). */
export function decodeChunk(
  bytes: Uint8Array,
  times?: Float64Array,
): { ts: Float64Array; values: Float64Array } {
  const { ts, cols } = decodeColumns(bytes, times);
  return { ts, values: cols[0] as Float64Array };
}
