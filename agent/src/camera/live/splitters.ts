/** One top-level ISO BMFF box: its four-character type and its bytes (header included). */
export interface Mp4Box {
  type: string;
  bytes: Buffer;
}

/** Thrown on a stream that is not a sequence of MP4 boxes. */
export class Mp4StreamError extends Error {
  readonly code = 'mp4_stream';
}

/**
 * Splits a fragmented MP4 byte stream into whole top-level boxes (ISO/IEC 14496-12 4.2: 32-bit size, type,
 * 64-bit largesize when size is 1). Feed chunks as they come; boxes come out whole.
 */
export class Mp4BoxSplitter {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBoxBytes = 32 * 1024 * 1024) {}

  push(chunk: Buffer): Mp4Box[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: Mp4Box[] = [];
    for (;;) {
      if (this.buffer.length < 8) break;
      let size = this.buffer.readUInt32BE(0);
      const type = this.buffer.toString('latin1', 4, 8);
      if (!/^[\x20-\x7e]{4}$/.test(type))
        throw new Mp4StreamError(`not an MP4 box header (type bytes ${JSON.stringify(type)})`);
      if (size === 1) {
        if (this.buffer.length < 16) break;
        size = Number(this.buffer.readBigUInt64BE(8));
      }
      if (size === 0)
        throw new Mp4StreamError(
          `box "${type}" extends to the end of the stream; a live stream needs sized boxes`,
        );
      if (size < 8) throw new Mp4StreamError(`box "${type}" has an impossible size ${size}`);
      if (size > this.maxBoxBytes)
        throw new Mp4StreamError(`box "${type}" of ${size} bytes exceeds ${this.maxBoxBytes}`);
      if (this.buffer.length < size) break;
      out.push({ type, bytes: Buffer.from(this.buffer.subarray(0, size)) });
      this.buffer = this.buffer.subarray(size);
    }
    return out;
  }
}

/**
 * Splits a concatenation of JPEG images (ffmpeg `-f mjpeg`) into whole images: each starts with SOI (FF D8)
 * and ends at EOI (FF D9). Entropy-coded data cannot hold FF D9 (an FF there is followed by 00).
 */
export class JpegSplitter {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxImageBytes = 8 * 1024 * 1024) {}

  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: Buffer[] = [];
    for (;;) {
      const start = this.buffer.indexOf(SOI);
      if (start === -1) {
        this.buffer = this.buffer.subarray(Math.max(0, this.buffer.length - 1));
        break;
      }
      const end = this.buffer.indexOf(EOI, start + 2);
      if (end === -1) {
        this.buffer = this.buffer.subarray(start);
        if (this.buffer.length > this.maxImageBytes)
          throw new Mp4StreamError(`JPEG larger than ${this.maxImageBytes} bytes`);
        break;
      }
      out.push(Buffer.from(this.buffer.subarray(start, end + 2)));
      this.buffer = this.buffer.subarray(end + 2);
    }
    return out;
  }
}

const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);
