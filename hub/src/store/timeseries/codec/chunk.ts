import { BitReader, BitWriter, CorruptColumnError } from './bits.js';
import { bestWidth, MAX_INT, readInts, residuals, writeInts } from './ints.js';
import { readXor, xorColumn } from './xor.js';

/**
 * A chunk: the samples of one series over a span of time, compressed (docs: hub/README.md "Time series").
 *
 *   u8      format (1)
 *   varint  count (>= 1)
 *   varint  value columns (1 for samples; 4 for rollups: count, sum, min, max)
 *   varint  timestamp column bytes, then the column: integers (ints.ts), delta-of-delta or delta
 *   per value column: u8 encoding, varint bytes, the column
 *     encoding 1 "xor":  Gorilla XOR of float64 (xor.ts)
 *     encoding 2 "dec":  u8 k (0..15), then integers m (ints.ts) with value = m / 10^k
 *
 * Timestamps are integers of magnitude up to 2^50 (epoch milliseconds until the year 37,000). The encoder
 * writes each value column both ways where "dec" applies (every value a decimal with at most 15 digits after
 * the point, magnitude below 2^50 once scaled) and keeps the smaller.
 */

export const CHUNK_FORMAT = 1;
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

function intColumn(ints: Float64Array): Uint8Array {
  const r1 = residuals(ints, 1, new Float64Array(ints.length));
  const r2 = residuals(ints, 2, new Float64Array(ints.length));
  const b1 = bestWidth(r1);
  const b2 = bestWidth(r2);
  const w = new BitWriter(((Math.min(b1.bits, b2.bits) + 72) >>> 3) + 8);
  if (b2.bits <= b1.bits) writeInts(w, r2, 2, b2.width);
  else writeInts(w, r1, 1, b1.width);
  return w.finish();
}

/** The smaller encoding of a value column: [encoding, bytes]. */
function valueColumn(values: Float64Array): [number, Uint8Array] {
  const xor = xorColumn(values);
  const k = decimalScale(values);
  if (k < 0) return [ENC_XOR, xor];
  const p = POW10[k] as number;
  const ints = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) ints[i] = Math.round((values[i] as number) * p);
  const body = intColumn(ints);
  if (body.length + 1 >= xor.length) return [ENC_XOR, xor];
  const dec = new Uint8Array(body.length + 1);
  dec[0] = k;
  dec.set(body, 1);
  return [ENC_DEC, dec];
}

/** Encodes columns (timestamps sorted or not; they are stored as given). Throws RangeError on bad input. */
export function encodeColumns(c: Columns): Uint8Array {
  const n = c.ts.length;
  if (n < 1 || n > MAX_CHUNK_SAMPLES)
    throw new RangeError(`a chunk holds 1 to ${MAX_CHUNK_SAMPLES} samples, not ${n}`);
  if (c.cols.length < 1 || c.cols.length > 16) throw new RangeError(`a chunk has 1 to 16 value columns`);
  for (let i = 0; i < n; i++) {
    const t = c.ts[i] as number;
    if (!Number.isInteger(t) || t > MAX_INT || t < -MAX_INT) {
      throw new RangeError(`timestamp ${t} at ${i} is not an integer of magnitude up to 2^50`);
    }
  }
  const parts: Uint8Array[] = [];
  const head: number[] = [CHUNK_FORMAT];
  writeVarint(head, n);
  writeVarint(head, c.cols.length);
  const ts = intColumn(c.ts);
  writeVarint(head, ts.length);
  parts.push(Uint8Array.from(head), ts);
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

/** One series' samples as a chunk. */
export function encodeChunk(ts: Float64Array, values: Float64Array): Uint8Array {
  return encodeColumns({ ts, cols: [values] });
}

/** The number of samples in a chunk, from its header. */
export function chunkCount(bytes: Uint8Array): number {
  const at = { pos: 1 };
  if (bytes[0] !== CHUNK_FORMAT)
    throw new CorruptColumnError(`chunk format ${bytes[0]} is not ${CHUNK_FORMAT}`);
  return readVarint(bytes, at);
}

/** Decodes a chunk. Throws CorruptColumnError (code corrupt_chunk) on bytes that are not a valid chunk. */
export function decodeColumns(bytes: Uint8Array): Columns {
  if (bytes[0] !== CHUNK_FORMAT)
    throw new CorruptColumnError(`chunk format ${bytes[0]} is not ${CHUNK_FORMAT}`);
  const at = { pos: 1 };
  const n = readVarint(bytes, at);
  if (n < 1 || n > MAX_CHUNK_SAMPLES) throw new CorruptColumnError(`chunk of ${n} samples`);
  const ncols = readVarint(bytes, at);
  if (ncols < 1 || ncols > 16) throw new CorruptColumnError(`chunk of ${ncols} value columns`);
  const tsLen = readVarint(bytes, at);
  if (at.pos + tsLen > bytes.length) throw new CorruptColumnError('timestamp column past the end');
  // Every timestamp after the first takes at least one bit: a count the column cannot hold is corrupt.
  if (n > tsLen * 8) throw new CorruptColumnError(`${n} timestamps in ${tsLen} bytes`);
  const ts = new Float64Array(n);
  readInts(new BitReader(bytes, at.pos, at.pos + tsLen), n, ts);
  at.pos += tsLen;
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

/** Decodes a one-column chunk into timestamps and values. */
export function decodeChunk(bytes: Uint8Array): { ts: Float64Array; values: Float64Array } {
  const { ts, cols } = decodeColumns(bytes);
  return { ts, values: cols[0] as Float64Array };
}
