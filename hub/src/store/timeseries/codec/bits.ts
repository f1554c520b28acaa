/**
 * Bit streams for the chunk codec: a growable writer and a bounded reader, most significant bit first.
 * Values of up to 32 bits are unsigned 32-bit integers; wider ones are written as two halves.
 */

/** Raised when a reader runs past its end or meets an impossible code: the bytes are not a valid column. */
export class CorruptColumnError extends Error {
  override readonly name = 'CorruptColumnError';
  readonly code = 'corrupt_chunk';
}

const TWO_32 = 2 ** 32;

export class BitWriter {
  #buf: Uint8Array;
  /** Whole bytes written. */
  #pos = 0;
  /** Bits not yet in a whole byte (fewer than 8), right-aligned. */
  #acc = 0;
  #accBits = 0;

  constructor(initialBytes = 64) {
    this.#buf = new Uint8Array(Math.max(8, initialBytes));
  }

  /** Bits written so far. */
  get bits(): number {
    return this.#pos * 8 + this.#accBits;
  }

  /** Bytes reserved (memory held). */
  get capacity(): number {
    return this.#buf.length;
  }

  #grow(): void {
    const next = new Uint8Array(this.#buf.length * 2);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
  }

  /** Writes the low `n` bits of `v` (0 <= n <= 32). */
  write(v: number, n: number): void {
    if (n > 24) {
      // Keeps the accumulator within 31 bits.
      this.write(v >>> 16, n - 16);
      this.write(v & 0xffff, 16);
      return;
    }
    if (n === 0) return;
    if (this.#pos + 4 > this.#buf.length) this.#grow();
    const acc = (this.#acc << n) | (v & ((1 << n) - 1));
    let bits = this.#accBits + n;
    const buf = this.#buf;
    while (bits >= 8) {
      bits -= 8;
      buf[this.#pos++] = (acc >>> bits) & 0xff;
    }
    this.#acc = acc & ((1 << bits) - 1);
    this.#accBits = bits;
  }

  bit(b: number): void {
    const bits = this.#accBits + 1;
    const acc = (this.#acc << 1) | (b & 1);
    if (bits === 8) {
      if (this.#pos + 1 > this.#buf.length) this.#grow();
      this.#buf[this.#pos++] = acc;
      this.#acc = 0;
      this.#accBits = 0;
    } else {
      this.#acc = acc;
      this.#accBits = bits;
    }
  }

  /** Writes the low `n` bits (0 <= n <= 64) of the 64-bit value hi:lo (two unsigned 32-bit halves). */
  write64(hi: number, lo: number, n: number): void {
    if (n > 32) {
      this.write(n === 64 ? hi : hi & ((1 << (n - 32)) - 1), n - 32);
      this.write(lo, 32);
    } else {
      this.write(n === 32 ? lo : lo & ((1 << n) - 1), n);
    }
  }

  /** Writes a non-negative integer below 2^n (n <= 53) exactly. */
  writeWide(v: number, n: number): void {
    if (n <= 32) this.write(v >>> 0, n);
    else this.write64(Math.floor(v / TWO_32), v >>> 0, n);
  }

  /** The bytes written so far, the last one zero-padded; a view, valid until the next write. */
  view(): Uint8Array {
    if (this.#accBits === 0) return this.#buf.subarray(0, this.#pos);
    if (this.#pos + 1 > this.#buf.length) this.#grow();
    // The partial byte goes where the next whole byte will be written (overwritten then).
    this.#buf[this.#pos] = this.#acc << (8 - this.#accBits);
    return this.#buf.subarray(0, this.#pos + 1);
  }

  /** A copy of the bytes written (the last byte zero-padded). */
  finish(): Uint8Array {
    return this.view().slice();
  }
}

export class BitReader {
  pos = 0;
  readonly #end: number;

  constructor(
    readonly buf: Uint8Array,
    startByte = 0,
    endByte = buf.length,
  ) {
    this.pos = startByte * 8;
    this.#end = endByte * 8;
  }

  /** Bits left. */
  get left(): number {
    return this.#end - this.pos;
  }

  /** Reads `n` bits (0 <= n <= 32) as an unsigned integer. */
  read(n: number): number {
    if (n === 0) return 0;
    if (this.pos + n > this.#end) throw new CorruptColumnError('column ends early');
    const buf = this.buf;
    let pos = this.pos;
    let left = n;
    let out = 0;
    while (left > 0) {
      const off = pos & 7;
      const avail = 8 - off;
      const take = left < avail ? left : avail;
      const part = (buf[pos >>> 3]! >>> (avail - take)) & ((1 << take) - 1);
      out = n === 32 ? out * (1 << take) + part : (out << take) | part;
      left -= take;
      pos += take;
    }
    this.pos = pos;
    return out >>> 0;
  }

  bit(): number {
    if (this.pos >= this.#end) throw new CorruptColumnError('column ends early');
    const b = (this.buf[this.pos >>> 3]! >>> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return b;
  }

  /** Reads a non-negative integer written with `writeWide(v, n)`. */
  readWide(n: number): number {
    if (n <= 32) return this.read(n);
    const hi = this.read(n - 32);
    return hi * TWO_32 + this.read(32);
  }
}
