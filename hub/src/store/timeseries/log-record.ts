import { CorruptColumnError } from './codec/bits.js';

/**
 * A head-log record: the samples of one committed unit of work, in the order they were written, so that
 * replaying records in id order rebuilds the head exactly. Self-contained (no reference to other records):
 *   u8 version (1) | varint count | per sample: zigzag varint series id delta, zigzag varint timestamp delta
 *   (both from the previous sample of the record), float64 little-endian value
 */

const VERSION = 1;
const f64 = new Float64Array(1);
const b8 = new Uint8Array(f64.buffer);

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

export function encodeLogRecord(s: LogSamples): Uint8Array {
  const n = s.end - s.start;
  let buf = new Uint8Array(16 + n * 14);
  let pos = 0;
  const varint = (v: number) => {
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 0x80);
    }
    buf[pos++] = v;
  };
  buf[pos++] = VERSION;
  varint(n);
  let id = 0;
  let t = 0;
  for (let i = s.start; i < s.end; i++) {
    if (pos + 28 > buf.length) {
      const next = new Uint8Array(buf.length * 2);
      next.set(buf);
      buf = next;
    }
    const sid = s.ids[i] as number;
    const ts = s.ts[i] as number;
    varint(zz(sid - id));
    varint(zz(ts - t));
    f64[0] = s.values[i] as number;
    buf.set(b8, pos);
    pos += 8;
    id = sid;
    t = ts;
  }
  return buf.slice(0, pos);
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
  let id = 0;
  let t = 0;
  for (let i = 0; i < n; i++) {
    id += unzz(varint());
    t += unzz(varint());
    if (pos + 8 > bytes.length) throw new CorruptColumnError('head-log record ends early');
    b8.set(bytes.subarray(pos, pos + 8));
    pos += 8;
    each(id, t, f64[0] as number);
  }
  return n;
}
