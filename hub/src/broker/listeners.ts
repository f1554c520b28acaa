import { readFileSync } from 'node:fs';
import { createServer as createTcpServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { UpgradeRoutes } from '../net/upgrades.js';

/** The path of MQTT over WebSocket on the hub's HTTP port. */
export const MQTT_WS_PATH = '/mqtt';

export interface ListenerOptions {
  host: string;
  /** TCP port for plain MQTT; 0 picks a free port; absent: no plain listener. */
  mqttPort?: number;
  /** Address of the plain MQTT listener (default: host). */
  mqttHost?: string;
  /** TLS port, with the PEM certificate chain and key files. */
  mqtts?: { port: number; certFile: string; keyFile: string };
  /** The HTTP server's upgrade routes: MQTT over WebSocket is claimed at /mqtt. */
  upgrades?: UpgradeRoutes;
}

export interface Listeners {
  /** Bound ports (useful when 0 was asked); absent when that listener is off. */
  mqttPort?: number;
  mqttsPort?: number;
  close(): Promise<void>;
}

function listen(server: NetServer, port: number, host: string, what: 'mqtt' | 'mqtts'): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const hint = `choose another with --${what}-port or OUTPOST_${what.toUpperCase()}_PORT`;
      const message =
        err.code === 'EADDRINUSE'
          ? `${what.toUpperCase()} port ${port} on ${host} is already in use; ${hint}`
          : err.code === 'EACCES'
            ? `not allowed to listen on ${what.toUpperCase()} port ${port}; ${hint}`
            : `${what}: cannot listen on ${host}:${port}: ${err.message}`;
      reject(new Error(message, { cause: err }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

function closeServer(server: NetServer, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
}

/** Opens the broker's sockets: TCP, optional TLS, and the WebSocket upgrade at /mqtt on the HTTP server. */
export async function openListeners(broker: Aedes, opts: ListenerOptions): Promise<Listeners> {
  const closers: (() => Promise<void>)[] = [];
  const track = (server: NetServer) => {
    const sockets = new Set<Socket>();
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    closers.push(() => closeServer(server, sockets));
  };
  try {
    let mqttPort: number | undefined;
    if (opts.mqttPort !== undefined) {
      const tcp = createTcpServer((socket) => broker.handle(socket));
      track(tcp);
      mqttPort = await listen(tcp, opts.mqttPort, opts.mqttHost ?? opts.host, 'mqtt');
    }
    let mqttsPort: number | undefined;
    if (opts.mqtts) {
      let cert: Buffer;
      let key: Buffer;
      try {
        cert = readFileSync(opts.mqtts.certFile);
        key = readFileSync(opts.mqtts.keyFile);
      } catch (err) {
        throw new Error(`mqtts: cannot read certificate or key: ${(err as Error).message}`, { cause: err });
      }
      const tls = createTlsServer({ cert, key, minVersion: 'TLSv1.2' }, (socket) => broker.handle(socket));
      track(tls);
      mqttsPort = await listen(tls, opts.mqtts.port, opts.host, 'mqtts');
    }
    if (opts.upgrades) {
      const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
      const remove = opts.upgrades.add(
        'mqtt',
        (path) => path === MQTT_WS_PATH,
        (req, socket, head) => {
          wss.handleUpgrade(req, socket, head, (ws) => {
            const stream = createWebSocketStream(ws);
            stream.on('error', () => stream.destroy());
            broker.handle(stream, req);
          });
        },
      );
      closers.push(async () => {
        remove();
        for (const c of wss.clients) c.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      });
    }
    return {
      ...(mqttPort !== undefined ? { mqttPort } : {}),
      ...(mqttsPort !== undefined ? { mqttsPort } : {}),
      async close() {
        await Promise.all(closers.map((c) => c()));
      },
    };
  } catch (err) {
    await Promise.all(closers.map((c) => c()));
    throw err;
  }
}
