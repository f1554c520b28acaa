import { CorruptColumnError } from './codec/bits.js';

/**
 * A head-log record: the samples of one committed unit of work, in the order they were written, so that
 * replaying records in id order rebuilds the head exactly. Self-contained (no reference to other records):
 *   u8 version (2) | varint count | per sample: zigzag varint series id delta (from the previous sample)
 *   | per sample: zigzag varint timestamp delta | zero padding to a multiple of 8 | count x float64 LE values
 */

const VERSION = 2;

function zz(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

function unzz(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

export interface LogSamples {
  ids: ArrayLike<number>;
  ts: ArrayLike<number>;
  values: ArrayLike<number>;
  /** Samples [start, end) of the arrays. */
  start: number;
  end: number;
}

/** Scratch space for the varints, reused by every encode (synchronous). */
let scratch = new Uint8Array(64 * 1024);

export function encodeLogRecord(s: LogSamples): Uint8Array {
  const n = s.end - s.start;
  // Varints take at most 8 bytes each (safe integers); the values' block is aligned to 8 bytes.
  if (scratch.length < 16 + n * 16) scratch = new Uint8Array(Math.max(16 + n * 16, scratch.length * 2));
  const head = scratch;
  let pos = 0;
  const varint = (v: number) => {
    while (v >= 0x80) {
      head[pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 0x80);
    }
    head[pos++] = v;
  };
  head[pos++] = VERSION;
  varint(n);
  let prev = 0;
  for (let i = s.start; i < s.end; i++) {
    const id = s.ids[i] as number;
    varint(zz(id - prev));
    prev = id;
  }
  prev = 0;
  for (let i = s.start; i < s.end; i++) {
    const t = s.ts[i] as number;
    varint(zz(t - prev));
    prev = t;
  }
  const at = (pos + 7) & ~7;
  const out = new Uint8Array(at + n * 8);
  out.set(head.subarray(0, pos));
  const values = new Float64Array(out.buffer, at, n);
  for (let i = 0; i < n; i++) values[i] = s.values[s.start + i] as number;
  return out;
}

/** Calls `each` for every sample of a record, in order. Throws CorruptColumnError on malformed bytes. */
export function readLogRecord(bytes: Uint8Array, each: (id: number, t: number, v: number) => void): number {
  let pos = 0;
  const varint = () => {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (pos >= bytes.length) throw new CorruptColumnError('head-log record ends early');
      const b = bytes[pos++] as number;
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 0x80;
    }
    throw new CorruptColumnError('head-log varint too long');
  };
  if (bytes[pos++] !== VERSION) throw new CorruptColumnError(`head-log record version ${bytes[0]}`);
  const n = varint();
  if (n * 10 > bytes.length)
    throw new CorruptColumnError(`head-log record of ${n} samples in ${bytes.length} bytes`);
  const ids = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += unzz(varint());
    ids[i] = acc;
  }
  const ts = new Float64Array(n);
  acc = 0;
  for (let i = 0; i < n; i++) {
    acc += unzz(varint());
    ts[i] = acc;
  }
  const at = (pos + 7) & ~7;
  if (at + n * 8 !== bytes.length) throw new CorruptColumnError('head-log record values do not fill it');
  // Copied out: the row's bytes (a Buffer, maybe a view into a pool) need not be 8-byte aligned.
  const copy = new Uint8Array(n * 8);
  copy.set(bytes.subarray(at, at + n * 8));
  const values = new Float64Array(copy.buffer);
  for (let i = 0; i < n; i++) each(ids[i] as number, ts[i] as number, values[i] as number);
  return n;
}
