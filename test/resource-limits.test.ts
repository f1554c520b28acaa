import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestHub, type TestHub, until } from './support/link.js';

/** Open sockets of the hub's HTTP server. */
function connections(t: TestHub): Promise<number> {
  return new Promise((resolve, reject) =>
    t.hub.httpServer.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  );
}

/** A raw TCP socket to the hub's HTTP port. */
async function raw(url: string): Promise<Socket> {
  const u = new URL(url);
  const socket = connect(Number(u.port), u.hostname);
  await once(socket, 'connect');
  return socket;
}

/** Resolves when the socket closes; fails after `ms`. */
function closed(socket: Socket, ms: number, what: string): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return Promise.race([
    once(socket, 'close').then(() => undefined),
    new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`${what}: socket still open`)), ms)),
  ]);
}

describe('resource limits under abuse', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub();
  });
  after(async () => {
    await t.close();
  });

  it('answers a WebSocket upgrade on an unknown path with 404 and closes the socket', async () => {
    const before = await connections(t);
    const sockets: Socket[] = [];
    const answers: string[] = [];
    for (const path of ['/nope', '/api/v1/devices', '/mqtt/x', '/api/v1/cameras/1/livex']) {
      const s = await raw(t.hub.url);
      let text = '';
      s.on('data', (d) => {
        text += d.toString();
      });
      s.on('close', () => answers.push(text));
      s.write(
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
      sockets.push(s);
    }
    await Promise.all(sockets.map((s) => closed(s, 3000, 'unclaimed upgrade')));
    for (const a of answers) assert.match(a, /^HTTP\/1\.1 404 /);
    // The hub's side of each socket is gone too (it would otherwise stay until a timeout, or forever).
    await until(async () => (await connections(t)) <= before, 2000, 'the hub closing its sockets');
  });
});
