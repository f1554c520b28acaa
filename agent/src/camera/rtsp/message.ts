/** One RTSP response (RFC 2326 7). Header names are lower-case; repeated headers keep every value. */
export interface RtspResponse {
  version: string;
  status: number;
  reason: string;
  headers: Map<string, string[]>;
  body: Buffer;
}

/** First value of a header, or undefined. */
export function header(res: RtspResponse, name: string): string | undefined {
  return res.headers.get(name.toLowerCase())?.[0];
}

/** Thrown on a response that is not RTSP or breaks the size limits. */
export class RtspProtocolError extends Error {
  readonly code = 'protocol';
}

export interface ParserLimits {
  maxHeaderBytes: number;
  maxBodyBytes: number;
}

const DEFAULT_LIMITS: ParserLimits = { maxHeaderBytes: 64 * 1024, maxBodyBytes: 1024 * 1024 };

/**
 * Incremental RTSP response parser: feed it socket chunks, get whole responses. Accepts bare LF line ends
 * (several cameras send them), folded header lines, and skips interleaved RTP frames (`$` + channel + length).
 */
export class RtspResponseParser {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly limits: ParserLimits;

  constructor(limits: Partial<ParserLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  push(chunk: Buffer): RtspResponse[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: RtspResponse[] = [];
    for (;;) {
      const res = this.next();
      if (!res) break;
      out.push(res);
    }
    return out;
  }

  private next(): RtspResponse | undefined {
    // RFC 2326 10.12: interleaved binary data may precede a response.
    while (this.buffer.length >= 4 && this.buffer[0] === 0x24) {
      const len = this.buffer.readUInt16BE(2);
      if (this.buffer.length < 4 + len) return undefined;
      this.buffer = this.buffer.subarray(4 + len);
    }
    if (this.buffer.length === 0) return undefined;
    const end = findHeaderEnd(this.buffer);
    if (end === undefined) {
      if (this.buffer.length > this.limits.maxHeaderBytes) {
        throw new RtspProtocolError(`response header longer than ${this.limits.maxHeaderBytes} bytes`);
      }
      if (this.buffer.length >= 5 && !this.buffer.subarray(0, 5).toString('latin1').startsWith('RTSP/')) {
        throw new RtspProtocolError(`not an RTSP response: ${JSON.stringify(preview(this.buffer))}`);
      }
      return undefined;
    }
    const head = this.buffer.subarray(0, end.index).toString('latin1');
    const lines = head.split(/\r?\n/);
    const statusLine = lines.shift() ?? '';
    const m = /^(RTSP\/\d\.\d)\s+(\d{3})(?:\s+(.*))?$/.exec(statusLine);
    if (!m)
      throw new RtspProtocolError(
        `not an RTSP status line: ${JSON.stringify(preview(Buffer.from(statusLine)))}`,
      );
    const headers = new Map<string, string[]>();
    let last: string | undefined;
    for (const line of lines) {
      if (/^[ \t]/.test(line) && last) {
        const values = headers.get(last) as string[];
        values[values.length - 1] = `${values[values.length - 1]} ${line.trim()}`;
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const values = headers.get(last);
      if (values) values.push(value);
      else headers.set(last, [value]);
    }
    const lengthValue = headers.get('content-length')?.[0];
    const length = lengthValue === undefined ? 0 : Number.parseInt(lengthValue, 10);
    if (!Number.isFinite(length) || length < 0)
      throw new RtspProtocolError(`bad Content-Length ${lengthValue}`);
    if (length > this.limits.maxBodyBytes) {
      throw new RtspProtocolError(`response body of ${length} bytes exceeds ${this.limits.maxBodyBytes}`);
    }
    const bodyStart = end.index + end.length;
    if (this.buffer.length < bodyStart + length) return undefined;
    const body = Buffer.from(this.buffer.subarray(bodyStart, bodyStart + length));
    this.buffer = this.buffer.subarray(bodyStart + length);
    return { version: m[1] as string, status: Number(m[2]), reason: m[3] ?? '', headers, body };
  }
}

function findHeaderEnd(buf: Buffer): { index: number; length: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf === -1 && lf === -1) return undefined;
  if (lf !== -1 && (crlf === -1 || lf < crlf)) return { index: lf, length: 2 };
  return { index: crlf, length: 4 };
}

function preview(buf: Buffer): string {
  return buf.subarray(0, 40).toString('latin1');
}

/** Serialises a request. `headers` keep their order; CSeq comes first. */
export function formatRequest(
  method: string,
  uri: string,
  cseq: number,
  headers: [string, string][],
): string {
  const lines = [`${method} ${uri} RTSP/1.0`, `CSeq: ${cseq}`, ...headers.map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
