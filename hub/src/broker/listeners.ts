import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import type { Aedes, Client } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { clientAddress } from '../net/client-address.js';
import { refuseUpgrade, type UpgradeRoutes } from '../net/upgrades.js';
import { ConnectionCount, GuardedConnection, type GuardLimits, type GuardVerdict } from './socket-guard.js';

const NO_PROXY = { trustProxy: false, trustedProxies: [] };

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
  /** Limits applied to every connection before the broker sees it (socket-guard.ts). */
  guard: GuardOptions;
}

export interface GuardOptions extends GuardLimits {
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** The client address of a WebSocket upgrade (behind a trusted proxy: from X-Forwarded-For). */
  addressOf(req: IncomingMessage): string;
  /** An error of a listening server (e.g. accept failing when out of file descriptors). */
  onServerError?(err: Error, what: 'mqtt' | 'mqtts'): void;
  /** A connection was refused at accept time or cut by the guard. */
  onRefused?(reason: GuardVerdict | 'too_many_connections', address: string): void;
}

export interface Listeners {
  /** Bound ports (useful when 0 was asked); absent when that listener is off. */
  mqttPort?: number;
  mqttsPort?: number;
  close(): Promise<void>;
}

function listen(
  server: NetServer,
  port: number,
  host: string,
  what: 'mqtt' | 'mqtts',
  onLaterError: (err: Error) => void = () => {},
): Promise<number> {
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
      // After listen, an accept error (out of file descriptors) must not end the process.
      server.on('error', onLaterError);
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

/** Seconds a TLS client has to finish its handshake (Node's default is 120). */
const TLS_HANDSHAKE_MS = 10_000;

/**
 * Opens the broker's sockets: TCP, optional TLS, and the WebSocket upgrade at /mqtt on the HTTP server. Every
 * connection is counted (in all and per client address) when it is accepted and then goes through the socket
 * guard, which cuts it as soon as it declares a packet over the limits.
 */
export async function openListeners(broker: Aedes, opts: ListenerOptions): Promise<Listeners> {
  const closers: (() => Promise<void>)[] = [];
  const { guard } = opts;
  const count = new ConnectionCount(guard.maxConnections, guard.maxConnectionsPerAddress);
  /** Counts a new connection; false (and the caller drops it) when a limit is reached. */
  const admit = (stream: Duplex, address: string): boolean => {
    const a = count.admit(address);
    if (!a.ok) {
      guard.onRefused?.('too_many_connections', address);
      return false;
    }
    stream.once('close', a.release);
    return true;
  };
  const handle = (stream: Duplex, address: string, req?: IncomingMessage) => {
    const conn = new GuardedConnection(stream, guard, (verdict) => guard.onRefused?.(verdict, address));
    broker.handle(conn, req);
  };
  // From a successful CONNACK on, only the packet size is limited (no more pre-authentication budget).
  const onConnack = (connack: { returnCode?: number; reasonCode?: number }, client: Client) => {
    if ((connack.returnCode ?? connack.reasonCode ?? 0) === 0 && client.conn instanceof GuardedConnection)
      client.conn.accept();
  };
  broker.on('connackSent', onConnack);
  closers.push(async () => {
    broker.off('connackSent', onConnack);
  });
  const peer = (s: Socket) => clientAddress(s.remoteAddress, undefined, NO_PROXY);
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
      const tcp = createTcpServer((socket) => {
        if (admit(socket, peer(socket))) handle(socket, peer(socket));
        else socket.destroy();
      });
      track(tcp);
      mqttPort = await listen(tcp, opts.mqttPort, opts.mqttHost ?? opts.host, 'mqtt', (err) =>
        guard.onServerError?.(err, 'mqtt'),
      );
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
      const tls = createTlsServer(
        { cert, key, minVersion: 'TLSv1.2', handshakeTimeout: TLS_HANDSHAKE_MS },
        (socket) => handle(socket, peer(socket)),
      );
      // Counted at TCP accept, before the handshake: a refused client costs no TLS work.
      tls.on('connection', (socket: Socket) => {
        if (!admit(socket, peer(socket))) socket.destroy();
      });
      track(tls);
      mqttsPort = await listen(tls, opts.mqtts.port, opts.host, 'mqtts', (err) =>
        guard.onServerError?.(err, 'mqtts'),
      );
    }
    if (opts.upgrades) {
      const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
      const remove = opts.upgrades.add(
        'mqtt',
        (path) => path === MQTT_WS_PATH,
        (req, socket, head) => {
          const address = guard.addressOf(req);
          if (!admit(socket, address)) {
            refuseUpgrade(socket, 429, 'too_many_connections', 'too many MQTT connections');
            return;
          }
          wss.handleUpgrade(req, socket, head, (ws) => {
            const stream = createWebSocketStream(ws);
            stream.on('error', () => stream.destroy());
            handle(stream, address, req);
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
