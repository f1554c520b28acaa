import { type BitReader, BitWriter, CorruptColumnError } from './bits.js';

/**
 * Float columns as in Facebook's Gorilla paper (VLDB 2015, 4.1.2) and Prometheus' chunkenc: the first value's
 * 64 bits, then each value XOR the previous one: '0' when equal, '10' + the meaningful bits when they fit in
 * the previous window of leading/trailing zeros, else '11' + 5 bits leading zeros + 6 bits length + the bits.
 * Bit-exact for every float64 (NaN payloads, -0, infinities).
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
  throw new Error('the chunk codec needs a little-endian CPU');

function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

/** What the XOR code remembers between values (kept on the object that writes or reads the stream). */
export interface XorState {
  /** The previous value's bits; `xorLead` -1 until a window is set; `xorCount` values so far. */
  xorHi: number;
  xorLo: number;
  xorLead: number;
  xorTrail: number;
  xorCount: number;
}

export const newXorState = (): XorState => ({ xorHi: 0, xorLo: 0, xorLead: -1, xorTrail: 0, xorCount: 0 });

/** Writes the next value of an XOR stream. */
export function xorWrite(w: BitWriter, s: XorState, v: number): void {
  f64[0] = v;
  const lo = u32[0] as number;
  const hi = u32[1] as number;
  if (s.xorCount++ === 0) {
    w.write(hi, 32);
    w.write(lo, 32);
  } else {
    const xh = (hi ^ s.xorHi) >>> 0;
    const xl = (lo ^ s.xorLo) >>> 0;
    if (xh === 0 && xl === 0) w.bit(0);
    else {
      let lead = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
      const trail = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
      if (lead > 31) lead = 31;
      if (s.xorLead >= 0 && lead >= s.xorLead && trail >= s.xorTrail) {
        const n = 64 - s.xorLead - s.xorTrail;
        if (n <= 22 && s.xorTrail >= 32) {
          // '10' and the window's bits in one write (the common case of small changes in the high word)
          w.write((0b10 << n) | ((xh >>> (s.xorTrail - 32)) & ((1 << n) - 1)), n + 2);
        } else {
          w.write(0b10, 2);
          writeShifted(w, xh, xl, s.xorTrail, n);
        }
      } else {
        const sig = 64 - lead - trail;
        w.write((0b11 << 11) | (lead << 6) | (sig & 63), 13);
        writeShifted(w, xh, xl, trail, sig);
        s.xorLead = lead;
        s.xorTrail = trail;
      }
    }
  }
  s.xorHi = hi;
  s.xorLo = lo;
}

/** Writes the `n` bits of (xh:xl) >> t. */
function writeShifted(w: BitWriter, xh: number, xl: number, t: number, n: number): void {
  let h: number;
  let l: number;
  if (t === 0) {
    h = xh;
    l = xl;
  } else if (t < 32) {
    l = ((xl >>> t) | (xh << (32 - t))) >>> 0;
    h = xh >>> t;
  } else {
    l = xh >>> (t - 32);
    h = 0;
  }
  w.write64(h, l, n);
}

/** Reads the next value of an XOR stream. */
export function xorRead(r: BitReader, s: XorState): number {
  if (s.xorCount++ === 0) {
    s.xorHi = r.read(32);
    s.xorLo = r.read(32);
  } else if (r.bit() !== 0) {
    if (r.bit() !== 0) {
      s.xorLead = r.read(5);
      let sig = r.read(6);
      if (sig === 0) sig = 64;
      s.xorTrail = 64 - s.xorLead - sig;
      if (s.xorTrail < 0) throw new CorruptColumnError(`xor window of ${s.xorLead} + ${sig} bits`);
    } else if (s.xorLead < 0) throw new CorruptColumnError('xor value reuses a window before any was set');
    const trail = s.xorTrail;
    const n = 64 - s.xorLead - trail;
    let h = n > 32 ? r.read(n - 32) : 0;
    let l = r.read(n > 32 ? 32 : n);
    if (trail >= 32) {
      h = (l << (trail - 32)) >>> 0;
      l = 0;
    } else if (trail > 0) {
      h = ((h << trail) | (l >>> (32 - trail))) >>> 0;
      l = (l << trail) >>> 0;
    }
    s.xorHi = (s.xorHi ^ h) >>> 0;
    s.xorLo = (s.xorLo ^ l) >>> 0;
  }
  u32[1] = s.xorHi;
  u32[0] = s.xorLo;
  return f64[0] as number;
}

/** A column of values as an XOR stream. */
export function xorColumn(values: ArrayLike<number>): Uint8Array {
  const w = new BitWriter(values.length * 2 + 16);
  const s = newXorState();
  for (let i = 0; i < values.length; i++) xorWrite(w, s, values[i] as number);
  return w.finish();
}

/** Reads `count` values of an XOR column into `out` (from `offset`). */
export function readXor(r: BitReader, count: number, out: Float64Array, offset = 0): void {
  const s = newXorState();
  for (let i = 0; i < count; i++) out[offset + i] = xorRead(r, s);
}
