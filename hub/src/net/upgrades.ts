import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Takes over an upgraded socket; it must answer (upgrade or refuse) and own the socket from then on. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;

interface UpgradeRoute {
  name: string;
  matches(path: string): boolean;
  handle: UpgradeHandler;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Answers a raw socket with a small JSON error and closes it. */
export function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // A peer that never reads must not keep the socket: it goes once the answer is flushed, or after 5 s.
  setTimeout(() => socket.destroy(), 5_000).unref();
}

/**
 * The one `upgrade` listener of the hub's HTTP server: each part that serves WebSockets (MQTT at /mqtt, the
 * live view) registers the paths it owns, one name each; an upgrade that no part claims is answered 404 and
 * its socket destroyed, so that requests on unknown paths cannot hold sockets open.
 */
export class UpgradeRoutes {
  readonly #routes = new Map<string, UpgradeRoute>();
  readonly #listener = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.#dispatch(req, socket, head);

  constructor(private readonly server: Server) {
    server.on('upgrade', this.#listener);
  }

  /** Claims the upgrades whose path `matches`; returns the function that gives them up. */
  add(name: string, matches: (path: string) => boolean, handle: UpgradeHandler): () => void {
    if (this.#routes.has(name)) throw new Error(`upgrade route ${name} is registered twice`);
    this.#routes.set(name, { name, matches, handle });
    return () => {
      this.#routes.delete(name);
    };
  }

  /** Stops listening (the server is closing). */
  close(): void {
    this.server.off('upgrade', this.#listener);
    this.#routes.clear();
  }

  #dispatch(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://hub.invalid');
    } catch {
      refuseUpgrade(socket, 400, 'bad_request', 'unreadable request path');
      return;
    }
    for (const route of this.#routes.values()) {
      if (!route.matches(url.pathname)) continue;
      try {
        route.handle(req, socket, head, url);
      } catch {
        refuseUpgrade(socket, 503, 'internal_error', 'the upgrade failed');
      }
      return;
    }
    refuseUpgrade(socket, 404, 'not_found', `no WebSocket endpoint at ${url.pathname.slice(0, 200)}`);
  }
}
