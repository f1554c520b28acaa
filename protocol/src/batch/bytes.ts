/**
 * Byte-level building blocks of the compact batch format: unsigned LEB128 varints for safe integers,
 * zigzag for signed ones, little-endian float64, UTF-8 strings. No I/O.
 */

const TWO_31 = 2 ** 31;
const utf8 = new TextEncoder();
const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Raised by ByteReader; the decoder catches it and names the field it was reading. */
export class ReadError extends Error {
  override readonly name = 'ReadError';
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
  private readonly view8 = new Float64Array(1);
  private readonly bytes8 = new Uint8Array(this.view8.buffer);

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

  /** A float64, little-endian (IEEE 754 bits as they are: NaN payloads and -0 survive). */
  float64(v: number): void {
    this.ensure(8);
    this.view8[0] = v;
    this.buf.set(this.bytes8, this.pos);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A string as its UTF-8 byte length then the bytes. */
  string(s: string): void {
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
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
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

  float64(): number {
    if (this.pos + 8 > this.buf.length) throw new ReadError('ends early');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
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
      throw new ReadError('not valid UTF-8');
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
