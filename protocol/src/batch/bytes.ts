/**
 * Byte-level building blocks of the compact batch format: unsigned LEB128 varints for safe integers,
 * zigzag for signed ones, byte-split little-endian float64, UTF-8 strings. No I/O.
 */

const TWO_31 = 2 ** 31;
const utf8 = new TextEncoder();
const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Raised by ByteReader; the decoder catches it and names the field it was reading. */
export class ReadError extends Error {
  override readonly name = 'ReadError';
  constructor(
    message: string,
    /** `frame` for the structure, `encoding` for bytes that are not UTF-8. */
    readonly code: 'frame' | 'encoding' = 'frame',
  ) {
    super(message);
  }
}

/** Zigzag keeps small negative numbers small: 0, -1, 1, -2 -> 0, 1, 2, 3. Exact for |v| <= 2^52. */
export function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

export function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** A growable byte buffer. */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(initial = 4096) {
    this.buf = new Uint8Array(initial);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** An unsigned safe integer as LEB128 (at most 8 bytes for 2^53 - 1). */
  varint(v: number): void {
    this.ensure(8);
    const buf = this.buf;
    if (v < TWO_31) {
      while (v >= 0x80) {
        buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
    } else {
      while (v >= 0x80) {
        buf[this.pos++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
    }
    buf[this.pos++] = v;
  }

  /**
   * Float64 values byte-split (Parquet's BYTE_STREAM_SPLIT): byte 0 of every value, then byte 1 of every
   * value, and so on (little-endian). Sign and exponent bytes of similar values line up and compress better.
   */
  float64Split(values: readonly number[]): void {
    const m = values.length;
    this.ensure(8 * m);
    const scratch = new DataView(new ArrayBuffer(8));
    for (let k = 0; k < m; k++) {
      scratch.setFloat64(0, values[k]!, true);
      for (let b = 0; b < 8; b++) this.buf[this.pos + b * m + k] = scratch.getUint8(b);
    }
    this.pos += 8 * m;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A string as its UTF-8 byte length then the bytes. */
  string(s: string): void {
    const n = s.length;
    if (n < 0x80) {
      // Short ASCII (metric names, label keys, interface names): one length byte, then the characters.
      this.ensure(n + 1);
      const buf = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = start + n;
        return;
      }
    }
    const encoded = utf8.encode(s);
    this.varint(encoded.length);
    this.bytes(encoded);
  }

  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Reads what ByteWriter wrote; throws ReadError at the end of the input or on a malformed value. */
export class ByteReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw new ReadError('ends early');
    return this.buf[this.pos++]!;
  }

  /** An unsigned LEB128 varint; refuses one longer than 8 bytes or above 2^53 - 1. */
  varint(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos < buf.length) {
      const b = buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (pos >= buf.length) throw new ReadError('ends early');
      const b = buf[pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) throw new ReadError('varint above 2^53 - 1');
        this.pos = pos;
        return result;
      }
      scale *= 0x80;
    }
    throw new ReadError('varint longer than 8 bytes');
  }

  /** `m` float64 values written by ByteWriter.float64Split, in their order. */
  float64Split(m: number): Float64Array {
    const split = this.bytes(8 * m);
    const joined = new Uint8Array(8 * m);
    for (let k = 0; k < m; k++) for (let b = 0; b < 8; b++) joined[k * 8 + b] = split[b * m + k]!;
    const view = new DataView(joined.buffer);
    const out = new Float64Array(m);
    for (let k = 0; k < m; k++) out[k] = view.getFloat64(k * 8, true);
    return out;
  }

  bytes(n: number): Uint8Array {
    if (n > this.buf.length - this.pos) throw new ReadError(`declares ${n} bytes, ${this.remaining} left`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A UTF-8 string of at most `maxBytes`; refuses invalid UTF-8. */
  string(maxBytes: number): string {
    const n = this.varint();
    if (n > maxBytes) throw new ReadError(`string of ${n} bytes, at most ${maxBytes}`);
    const raw = this.bytes(n);
    let ascii = true;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    // Short ASCII strings (metric names, label keys, interface names) skip the decoder's setup cost.
    if (ascii && n <= 64) return String.fromCharCode.apply(null, raw as unknown as number[]);
    try {
      return utf8Fatal.decode(raw);
    } catch {
      throw new ReadError('not valid UTF-8', 'encoding');
    }
  }

  /** A count that must not exceed `max`, nor the bytes left (each item takes at least `minBytes`). */
  count(max: number, minBytes = 1): number {
    const n = this.varint();
    if (n > max) throw new ReadError(`count ${n} above the limit of ${max}`);
    if (n * minBytes > this.remaining)
      throw new ReadError(`count ${n} does not fit the ${this.remaining} bytes left`);
    return n;
  }
}
