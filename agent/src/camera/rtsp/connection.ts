import net from 'node:net';
import tls from 'node:tls';
import { RtspError } from './errors.js';
import {
  formatRequest,
  header,
  type RtspProtocolError,
  type RtspResponse,
  RtspResponseParser,
} from './message.js';

/** Where an RTSP URL points. */
export interface Target {
  url: URL;
  tls: boolean;
  host: string;
  port: number;
}

/** One RTSP connection: sends requests in order and matches responses by CSeq. */
export class Connection {
  private readonly parser = new RtspResponseParser();
  private cseq = 0;
  private waiting?: { cseq: number; resolve: (r: RtspResponse) => void; reject: (e: Error) => void };
  private failure?: Error;

  private constructor(
    private readonly socket: net.Socket,
    private readonly where: string,
  ) {
    socket.on('data', (chunk: Buffer) => {
      let responses: RtspResponse[];
      try {
        responses = this.parser.push(chunk);
      } catch (err) {
        this.fail(
          new RtspError('protocol', `${where}: ${(err as RtspProtocolError).message}`, undefined, {
            cause: err,
          }),
        );
        return;
      }
      for (const res of responses) {
        const w = this.waiting;
        // A response without CSeq (some cameras) answers the request in flight.
        const cseq = Number(header(res, 'cseq') ?? w?.cseq);
        if (w && cseq === w.cseq) {
          this.waiting = undefined;
          w.resolve(res);
        }
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(networkError(err, where)));
    socket.on('close', () => this.fail(new RtspError('closed', `${where}: connection closed by the camera`)));
  }

  static open(
    target: Target,
    opts: { connectTimeoutMs: number; tlsVerify: boolean },
    signal?: AbortSignal,
  ): Promise<Connection> {
    const where = `${target.host}:${target.port}`;
    return new Promise((resolve, reject) => {
      const socket = target.tls
        ? tls.connect({
            host: target.host,
            port: target.port,
            servername: net.isIP(target.host) ? undefined : target.host,
            rejectUnauthorized: opts.tlsVerify,
          })
        : net.connect({ host: target.host, port: target.port });
      const timer = setTimeout(() => {
        cleanup();
        socket.destroy();
        reject(
          new RtspError('connect_timeout', `${where}: no connection within ${opts.connectTimeoutMs} ms`),
        );
      }, opts.connectTimeoutMs);
      const onAbort = () => {
        cleanup();
        socket.destroy();
        reject(new RtspError('aborted', `${where}: cancelled`));
      };
      const onError = (err: NodeJS.ErrnoException) => {
        cleanup();
        socket.destroy();
        reject(networkError(err, where));
      };
      const onConnect = () => {
        cleanup();
        socket.setNoDelay(true);
        resolve(new Connection(socket, where));
      };
      function cleanup() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.off('error', onError);
        socket.off(target.tls ? 'secureConnect' : 'connect', onConnect);
      }
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', onError);
      socket.once(target.tls ? 'secureConnect' : 'connect', onConnect);
    });
  }

  private fail(err: Error): void {
    if (!this.failure) this.failure = err;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(this.failure);
  }

  request(
    method: string,
    uri: string,
    headers: [string, string][],
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<RtspResponse> {
    if (this.failure) return Promise.reject(this.failure);
    const cseq = ++this.cseq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        cleanup();
        reject(new RtspError('timeout', `${this.where}: no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onAbort = () => {
        this.waiting = undefined;
        cleanup();
        reject(new RtspError('aborted', `${this.where}: ${method} cancelled`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting = {
        cseq,
        resolve: (r) => {
          cleanup();
          resolve(r);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      };
      this.socket.write(formatRequest(method, uri, cseq, headers));
    });
  }

  close(): void {
    this.failure ??= new RtspError('closed', `${this.where}: closed`);
    this.socket.destroy();
  }
}

function networkError(err: NodeJS.ErrnoException, where: string): RtspError {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED')
    return new RtspError('refused', `${where}: connection refused`, undefined, { cause: err });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new RtspError('dns', `${where}: host not found`, undefined, { cause: err });
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return new RtspError('closed', `${where}: connection reset`, undefined, { cause: err });
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /certificate|ssl|tls/i.test(err.message)) {
    return new RtspError('tls', `${where}: TLS failed: ${err.message}`, undefined, { cause: err });
  }
  return new RtspError('network', `${where}: ${code || err.message}`, undefined, { cause: err });
}
