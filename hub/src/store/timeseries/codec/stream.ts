import { BitReader, BitWriter, CorruptColumnError } from './bits.js';
import { readXor, XorEncoder } from './xor.js';

/**
 * The head's in-memory appender: samples in arrival order, compressed as they come (about 2 to 9 bytes
 * each instead of 16). Timestamps as delta-of-delta with fixed buckets, as Prometheus' head chunks:
 *   '0' same delta | '10' sign 7 bits | '110' sign 13 bits | '1110' sign 20 bits | '1111' sign 6-bit length + bits
 * (of |dod| - 1); values as Gorilla XOR in a second stream. Out-of-order and repeated timestamps are kept
 * as they came: sealing sorts them (the later of two equal timestamps wins).
 */
export class StreamAppender {
  readonly #ts = new BitWriter(16);
  readonly #vs = new BitWriter(16);
  readonly #xor = new XorEncoder(this.#vs);
  count = 0;
  minT = Number.POSITIVE_INFINITY;
  maxT = Number.NEGATIVE_INFINITY;
  firstT = 0;
  #lastT = 0;
  #lastDelta = 0;
  /** False once a timestamp arrived at or before the one before it. */
  ordered = true;

  append(t: number, v: number): void {
    if (this.count === 0) {
      this.firstT = t;
      writeSignedBucket(this.#ts, t);
    } else {
      const d = t - this.#lastT;
      if (d <= 0) this.ordered = false;
      writeSignedBucket(this.#ts, d - this.#lastDelta);
      this.#lastDelta = d;
    }
    this.#xor.add(v);
    this.#lastT = t;
    if (t < this.minT) this.minT = t;
    if (t > this.maxT) this.maxT = t;
    this.count++;
  }

  /** Bytes held (for the head's memory figures). */
  get bytes(): number {
    return this.#ts.buf.length + this.#vs.buf.length;
  }

  /** Every sample in arrival order. */
  decode(): { ts: Float64Array; values: Float64Array } {
    const n = this.count;
    const ts = new Float64Array(n);
    const values = new Float64Array(n);
    const r = new BitReader(this.#ts.buf, 0, (this.#ts.bits + 7) >>> 3);
    let last = 0;
    let delta = 0;
    for (let i = 0; i < n; i++) {
      const x = readSignedBucket(r);
      if (i === 0) last = x;
      else {
        delta += x;
        last += delta;
      }
      ts[i] = last;
    }
    readXor(new BitReader(this.#vs.buf, 0, (this.#vs.bits + 7) >>> 3), n, values);
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
      // prefix: i+1 ones then a zero, e.g. '10', '110', '1110'
      w.write(((1 << (i + 2)) - 2) >>> 0, i + 2);
      w.bit(neg);
      w.write(m, bits);
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
