/** Removes H.264/H.265 emulation-prevention bytes: every 00 00 03 becomes 00 00 (ITU-T H.264 7.4.1). */
export function unescapeRbsp(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let n = 0;
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 0x03) {
      zeros = 0;
      continue;
    }
    out[n++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}

/** Thrown when a parameter set ends before a field it must hold. */
export class BitstreamError extends Error {
  readonly code = 'bitstream';
}

/** MSB-first bit reader with Exp-Golomb codes (ITU-T H.264 9.1). */
export class BitReader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get bitsLeft(): number {
    return this.bytes.length * 8 - this.pos;
  }

  bit(): number {
    if (this.pos >= this.bytes.length * 8) throw new BitstreamError('parameter set ends early');
    const byte = this.bytes[this.pos >> 3] as number;
    const value = (byte >> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return value;
  }

  /** Reads `n` bits (n <= 32) as an unsigned number. */
  bits(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) value = value * 2 + this.bit();
    return value;
  }

  skip(n: number): void {
    if (this.pos + n > this.bytes.length * 8) throw new BitstreamError('parameter set ends early');
    this.pos += n;
  }

  /** ue(v): unsigned Exp-Golomb. */
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) {
      zeros++;
      if (zeros > 31) throw new BitstreamError('Exp-Golomb code longer than 32 bits');
    }
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  /** se(v): signed Exp-Golomb. */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}
