import { BitReader, BitWriter, CorruptColumnError } from './bits.js';
import { type XorState, xorRead, xorWrite } from './xor.js';

/**
 * The head's in-memory appender: samples in arrival order, compressed as they come (about 2 to 9 bytes
 * each instead of 16), in one bit stream that interleaves each sample's timestamp and value, as Prometheus'
 * head chunks do. Timestamps as delta-of-delta with fixed buckets:
 *   '0' same delta | '10' sign 7 bits | '110' sign 13 bits | '1110' sign 20 bits | '1111' sign 6-bit length + bits
 * (of |dod| - 1); values as Gorilla XOR (xor.ts). Out-of-order and repeated timestamps are kept as they came:
 * sealing sorts them (the later of two equal timestamps wins). The appender is its own bit writer and keeps
 * every state inline: appending to many series touches few cache lines per sample.
 */
export class StreamAppender extends BitWriter implements XorState {
  count = 0;
  minT = Number.POSITIVE_INFINITY;
  maxT = Number.NEGATIVE_INFINITY;
  firstT = 0;
  /** False once a timestamp arrived at or before the one before it. */
  ordered = true;
  xorHi = 0;
  xorLo = 0;
  xorLead = -1;
  xorTrail = 0;
  xorCount = 0;
  #lastT = 0;
  #lastDelta = 0;

  /** Start with room for this many bytes (e.g. what the series' last chunk took). */
  constructor(bytes = 32) {
    super(bytes);
  }

  append(t: number, v: number): void {
    if (this.count === 0) {
      this.firstT = t;
      writeSignedBucket(this, t);
    } else {
      const d = t - this.#lastT;
      if (d <= 0) this.ordered = false;
      const dod = d - this.#lastDelta;
      if (dod === 0) this.bit(0);
      else writeSignedBucket(this, dod);
      this.#lastDelta = d;
    }
    xorWrite(this, this, v);
    this.#lastT = t;
    if (t < this.minT) this.minT = t;
    if (t > this.maxT) this.maxT = t;
    this.count++;
  }

  /** Bytes used so far (a sizing hint for the series' next chunk). */
  get usedBytes(): number {
    return (this.bits + 7) >>> 3;
  }

  /** Every sample in arrival order. */
  decode(): { ts: Float64Array; values: Float64Array } {
    const n = this.count;
    const ts = new Float64Array(n);
    const values = new Float64Array(n);
    const r = new BitReader(this.view());
    const x: XorState = { xorHi: 0, xorLo: 0, xorLead: -1, xorTrail: 0, xorCount: 0 };
    let last = 0;
    let delta = 0;
    for (let i = 0; i < n; i++) {
      const dod = readSignedBucket(r);
      if (i === 0) last = dod;
      else {
        delta += dod;
        last += delta;
      }
      ts[i] = last;
      values[i] = xorRead(r, x);
    }
    return { ts, values };
  }
}

const BUCKETS = [7, 13, 20] as const;

function writeSignedBucket(w: BitWriter, x: number): void {
  if (x === 0) {
    w.bit(0);
    return;
  }
  const neg = x < 0 ? 1 : 0;
  const m = (neg ? -x : x) - 1;
  for (let i = 0; i < BUCKETS.length; i++) {
    const bits = BUCKETS[i] as number;
    if (m < 1 << bits) {
      // prefix: i+1 ones then a zero ('10', '110', '1110'), the sign, the bits: at most 25 bits, one write
      const prefix = (1 << (i + 2)) - 2;
      w.write((prefix << (bits + 1)) | (neg << bits) | m, i + 3 + bits);
      return;
    }
  }
  w.write(0b1111, 4);
  w.bit(neg);
  const len = m < 2 ** 32 ? 32 - Math.clz32(m) : 64 - Math.clz32(Math.floor(m / 2 ** 32));
  w.write(len, 6);
  w.writeWide(m, len);
}

function readSignedBucket(r: BitReader): number {
  if (r.bit() === 0) return 0;
  let i = 0;
  while (i < BUCKETS.length && r.bit() === 1) i++;
  const neg = r.bit();
  let bits: number;
  if (i < BUCKETS.length) bits = BUCKETS[i] as number;
  else {
    bits = r.read(6);
    if (bits > 53) throw new CorruptColumnError(`head timestamp of ${bits} bits`);
  }
  const m = r.readWide(bits) + 1;
  return neg ? -m : m;
}
