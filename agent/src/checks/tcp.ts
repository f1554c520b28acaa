import net from 'node:net';
import type { CheckParams } from '@outpost/protocol';
import { CheckError, type CheckUnit, elapsedMs } from './types.js';

/** A TCP handshake with host:port; the connection is closed at once. */
export const tcp: CheckUnit<CheckParams['tcp']> = {
  kind: 'tcp',
  run(p, { signal }) {
    return new Promise((resolve, reject) => {
      const start = performance.now();
      const socket = net.connect({ host: p.host, port: p.port });
      const onAbort = () => socket.destroy(new CheckError(`connect ${p.host}:${p.port}: aborted`));
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => {
        const ms = elapsedMs(start);
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve({ status: 'up', response_ms: ms, metrics: { tcp_connect_ms: ms } });
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        // `connect ECONNREFUSED 127.0.0.1:9`, `getaddrinfo ENOTFOUND nvr.local`
        reject(err instanceof CheckError ? err : new CheckError(err.message, { cause: err }));
      });
    });
  },
};
