import { type BitReader, type BitWriter, CorruptColumnError } from './bits.js';

/**
 * Integer columns: delta (order 1) or delta-of-delta (order 2) residuals, each written as
 *   '0'                                   residual 0
 *   '10' sign, w bits of |r| - 1          |r| - 1 fits in w bits (w chosen per column to minimise the size)
 *   '11' sign, 6 bits L, L bits of |r|-1  anything larger
 * after the first value (sign, 6 bits L, L bits). Delta-of-delta makes regular timestamps and steady counters
 * one bit per sample; delta suits gauges that wander. Exact for integers of magnitude up to MAX_INT.
 */

/** Largest magnitude an integer column holds: keeps deltas of deltas (up to 4x this) exact in a double. */
export const MAX_INT = 2 ** 50;
const TWO_32 = 2 ** 32;

/** Number of bits of a non-negative integer below 2^53 (0 for 0). */
export function bitLength(x: number): number {
  if (x < TWO_32) return 32 - Math.clz32(x);
  return 64 - Math.clz32(Math.floor(x / TWO_32));
}

function writeLong(w: BitWriter, r: number): void {
  const mag = r < 0 ? -r : r;
  const len = bitLength(mag);
  w.bit(r < 0 ? 1 : 0);
  w.write(len, 6);
  w.writeWide(mag, len);
}

function readLong(r: BitReader): number {
  const neg = r.bit();
  const len = r.read(6);
  if (len > 53) throw new CorruptColumnError(`integer of ${len} bits`);
  const mag = r.readWide(len);
  return neg ? -mag : mag;
}

/** Residuals of `xs` for `order` (the first element is the first value itself). */
export function residuals(xs: ArrayLike<number>, order: 1 | 2, out: Float64Array): Float64Array {
  let prev = 0;
  let prevDelta = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    if (i === 0) out[i] = x;
    else {
      const d = x - prev;
      out[i] = order === 1 ? d : d - prevDelta;
      prevDelta = d;
    }
    prev = x;
  }
  return out;
}

/** The width w that makes the residuals (after the first) smallest, and that size in bits. */
export function bestWidth(res: Float64Array): { width: number; bits: number } {
  const hist = new Float64Array(54);
  let zeros = 0;
  for (let i = 1; i < res.length; i++) {
    const r = res[i] as number;
    if (r === 0) zeros++;
    else hist[bitLength((r < 0 ? -r : r) - 1)]!++;
  }
  // A zero costs 1 bit, a residual within the width 3 + w, an escaped one 9 + its length. With the counts
  // within the width and the bits of the escaped ones kept as running sums, the whole search is O(54).
  let escapedBits = 0;
  for (let b = 0; b <= 53; b++) escapedBits += (hist[b] as number) * (9 + b);
  let best = { width: 0, bits: Number.POSITIVE_INFINITY };
  let within = 0;
  for (let w = 0; w <= 53; w++) {
    const n = hist[w] as number;
    within += n;
    escapedBits -= n * (9 + w);
    const bits = zeros + within * (3 + w) + escapedBits;
    if (bits < best.bits) best = { width: w, bits };
  }
  return best;
}

/** Writes integer residuals with width `w` (see the format above). */
export function writeInts(w: BitWriter, res: Float64Array, order: 1 | 2, width: number): void {
  w.write(order, 2);
  w.write(width, 6);
  if (res.length === 0) return;
  writeLong(w, res[0] as number);
  for (let i = 1; i < res.length; i++) {
    const r = res[i] as number;
    if (r === 0) {
      w.bit(0);
      continue;
    }
    const neg = r < 0;
    const m = (neg ? -r : r) - 1;
    const len = bitLength(m);
    if (len <= width) {
      w.write(neg ? 0b101 : 0b100, 3);
      w.writeWide(m, width);
    } else {
      w.write(neg ? 0b111 : 0b110, 3);
      w.write(len, 6);
      w.writeWide(m, len);
    }
  }
}

/** Reads `count` integers written by `writeInts` into `out` (from `offset`). */
export function readInts(r: BitReader, count: number, out: Float64Array, offset = 0): void {
  const order = r.read(2);
  const width = r.read(6);
  if (order !== 1 && order !== 2) throw new CorruptColumnError(`integer column of order ${order}`);
  if (width > 53) throw new CorruptColumnError(`integer width ${width}`);
  let prev = 0;
  let delta = 0;
  for (let i = 0; i < count; i++) {
    let res: number;
    if (i === 0) res = readLong(r);
    else if (r.bit() === 0) res = 0;
    else {
      const escaped = r.bit();
      const neg = r.bit();
      const len = escaped ? r.read(6) : width;
      if (len > 53) throw new CorruptColumnError(`integer of ${len} bits`);
      const m = r.readWide(len) + 1;
      res = neg ? -m : m;
    }
    let x: number;
    if (i === 0) x = res;
    else if (order === 1) {
      delta = res;
      x = prev + delta;
    } else {
      delta += res;
      x = prev + delta;
    }
    if (!(x <= 4 * MAX_INT && x >= -4 * MAX_INT)) throw new CorruptColumnError('integer out of range');
    out[offset + i] = x;
    prev = x;
  }
}
