import { type BitReader, type BitWriter, CorruptColumnError } from './bits.js';

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

/** Streaming XOR encoder: one instance per column (also the head's in-memory appender). */
export class XorEncoder {
  #first = true;
  #hi = 0;
  #lo = 0;
  #lead = -1;
  #trail = 0;

  constructor(private readonly w: BitWriter) {}

  add(v: number): void {
    const w = this.w;
    f64[0] = v;
    const lo = u32[0] as number;
    const hi = u32[1] as number;
    if (this.#first) {
      this.#first = false;
      w.write(hi, 32);
      w.write(lo, 32);
    } else {
      const xh = (hi ^ this.#hi) >>> 0;
      const xl = (lo ^ this.#lo) >>> 0;
      if (xh === 0 && xl === 0) w.bit(0);
      else {
        let lead = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
        const trail = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
        if (lead > 31) lead = 31;
        if (this.#lead >= 0 && lead >= this.#lead && trail >= this.#trail) {
          w.write(0b10, 2);
          writeShifted(w, xh, xl, this.#trail, 64 - this.#lead - this.#trail);
        } else {
          const sig = 64 - lead - trail;
          w.write(0b11, 2);
          w.write(lead, 5);
          w.write(sig & 63, 6);
          writeShifted(w, xh, xl, trail, sig);
          this.#lead = lead;
          this.#trail = trail;
        }
      }
    }
    this.#hi = hi;
    this.#lo = lo;
  }
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

/** Reads `count` values written by XorEncoder into `out` (from `offset`). */
export function readXor(r: BitReader, count: number, out: Float64Array, offset = 0): void {
  if (count === 0) return;
  let hi = r.read(32);
  let lo = r.read(32);
  let lead = -1;
  let trail = 0;
  u32[1] = hi;
  u32[0] = lo;
  out[offset] = f64[0] as number;
  for (let i = 1; i < count; i++) {
    if (r.bit() !== 0) {
      if (r.bit() !== 0) {
        lead = r.read(5);
        let sig = r.read(6);
        if (sig === 0) sig = 64;
        trail = 64 - lead - sig;
        if (trail < 0) throw new CorruptColumnError(`xor window of ${lead} + ${sig} bits`);
      } else if (lead < 0) throw new CorruptColumnError('xor value reuses a window before any was set');
      const n = 64 - lead - trail;
      let h = n > 32 ? r.read(n - 32) : 0;
      let l = r.read(n > 32 ? 32 : n);
      if (trail >= 32) {
        h = (l << (trail - 32)) >>> 0;
        l = 0;
      } else if (trail > 0) {
        h = ((h << trail) | (l >>> (32 - trail))) >>> 0;
        l = (l << trail) >>> 0;
      }
      hi = (hi ^ h) >>> 0;
      lo = (lo ^ l) >>> 0;
    }
    u32[1] = hi;
    u32[0] = lo;
    out[offset + i] = f64[0] as number;
  }
}
