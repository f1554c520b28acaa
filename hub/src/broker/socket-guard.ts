import { Duplex } from 'node:stream';

/** The guard's limits (hub config `mqtt*`; see hub/README.md, "Limits"). */
export interface GuardLimits {
  /** Largest packet (fixed header included) a connection may send; the protocol's largest message plus room. */
  maxPacketBytes: number;
  /** Bytes a connection may send before the broker accepts its CONNECT (the CONNECT included). */
  maxPreAuthBytes: number;
}

/** Why a connection was cut (counted by the caller). */
export type GuardVerdict = 'not_connect_first' | 'packet_too_large' | 'pre_auth_bytes' | 'malformed_length';

const CONNECT = 1;

/**
 * Pure: reads MQTT fixed headers (type, remaining length) from a byte stream fed in chunks, without buffering
 * payloads: a declared length is checked when its header arrives, long before the bytes do. MQTT 3.1.1
 * section 2.2: the remaining length is a varint of at most four bytes.
 */
export class FixedHeaderReader {
  #skip = 0; // payload bytes of the current packet still to pass
  #header: number[] = []; // bytes of a fixed header split across chunks
  #packets = 0;
  #bytes = 0;
  #authenticated = false;

  constructor(private readonly limits: GuardLimits) {}

  /** The broker accepted the CONNECT: from here on only the packet size is limited. */
  accept(): void {
    this.#authenticated = true;
  }

  /** Reads one chunk; returns why the connection must be cut, or undefined. */
  push(chunk: Uint8Array): GuardVerdict | undefined {
    this.#bytes += chunk.length;
    if (!this.#authenticated && this.#bytes > this.limits.maxPreAuthBytes) return 'pre_auth_bytes';
    let i = 0;
    while (i < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - i);
        this.#skip -= n;
        i += n;
        continue;
      }
      this.#header.push(chunk[i] as number);
      i++;
      const h = this.#header;
      if (h.length === 1) {
        // [MQTT-3.1.0-1] the first packet from the client must be CONNECT
        if (this.#packets === 0 && (h[0] as number) >> 4 !== CONNECT) return 'not_connect_first';
        continue;
      }
      const last = h[h.length - 1] as number;
      if (last & 0x80) {
        if (h.length === 5) return 'malformed_length'; // a fifth length byte does not exist
        continue;
      }
      let remaining = 0;
      for (let k = h.length - 1; k >= 1; k--) remaining = remaining * 128 + ((h[k] as number) & 0x7f);
      if (remaining + h.length > this.limits.maxPacketBytes) return 'packet_too_large';
      if (!this.#authenticated && remaining + h.length > this.limits.maxPreAuthBytes) return 'pre_auth_bytes';
      this.#packets++;
      this.#skip = remaining;
      this.#header = [];
    }
    return undefined;
  }
}

/**
 * A connection as the broker sees it: every byte the client sends goes through a FixedHeaderReader first, and
 * the connection is destroyed the moment a limit is crossed, so that the broker's packet parser never buffers
 * a packet the protocol does not allow (mqtt-packet would otherwise collect a declared 200 MiB CONNECT).
 * Writes go straight to the socket.
 */
export class GuardedConnection extends Duplex {
  readonly reader: FixedHeaderReader;

  constructor(
    private readonly socket: Duplex,
    limits: GuardLimits,
    private readonly onCut: (verdict: GuardVerdict) => void,
  ) {
    super({ allowHalfOpen: false, readableHighWaterMark: 64 * 1024 });
    this.reader = new FixedHeaderReader(limits);
    socket.on('data', (chunk: Buffer) => {
      const verdict = this.reader.push(chunk);
      if (verdict) {
        this.onCut(verdict);
        this.destroy();
        return;
      }
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('close', () => this.destroy());
    socket.on('error', (err) => this.destroy(err));
  }

  /** The broker accepted this connection's CONNECT. */
  accept(): void {
    this.reader.accept();
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.socket.write(chunk)) cb();
    else this.socket.once('drain', () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.socket.end(() => cb());
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.socket.destroy();
    cb(err);
  }
}

/**
 * Connections per client address and in all: a new one over either limit is refused at once. `admit` returns
 * the release function, or the reason of the refusal.
 */
export class ConnectionCount {
  readonly #byAddress = new Map<string, number>();
  #total = 0;

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  admit(address: string): { ok: true; release: () => void } | { ok: false; reason: string } {
    const mine = this.#byAddress.get(address) ?? 0;
    if (this.#total >= this.maxTotal)
      return { ok: false, reason: `broker at its limit of ${this.maxTotal} connections` };
    if (mine >= this.maxPerAddress)
      return { ok: false, reason: `${address} already has ${mine} connections (the per-address limit)` };
    this.#byAddress.set(address, mine + 1);
    this.#total++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#total--;
        const left = (this.#byAddress.get(address) ?? 1) - 1;
        if (left > 0) this.#byAddress.set(address, left);
        else this.#byAddress.delete(address);
      },
    };
  }

  get total(): number {
    return this.#total;
  }
}
