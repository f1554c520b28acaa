import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { UpgradeRoutes } from './upgrades.js';

/** Sends an upgrade request on a raw socket; resolves with what came back once the server closed it. */
async function upgrade(port: number, path: string): Promise<{ text: string; closedInMs: number }> {
  const socket: Socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const started = Date.now();
  let text = '';
  socket.on('data', (d) => {
    text += d.toString();
  });
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  await Promise.race([
    once(socket, 'close'),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`socket still open; got: ${text}`)), 3000)),
  ]);
  return { text, closedInMs: Date.now() - started };
}

describe('upgrade routes', () => {
  let server: Server;
  let routes: UpgradeRoutes;
  let port: number;
  const handled: string[] = [];
  before(async () => {
    server = createServer();
    routes = new UpgradeRoutes(server);
    routes.add(
      'echo',
      (path) => path === '/mine',
      (_req, socket, _head, url) => {
        handled.push(url.pathname);
        socket.end('HTTP/1.1 418 I am a teapot\r\nConnection: close\r\n\r\n');
      },
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    routes.close();
    server.close();
  });

  it('answers 404 to an upgrade nobody claims and closes its socket', async () => {
    const r = await upgrade(port, '/elsewhere?x=1');
    assert.match(r.text, /^HTTP\/1\.1 404 Not Found/);
    assert.match(r.text, /no WebSocket endpoint at \/elsewhere/);
    assert.ok(r.closedInMs < 2000);
  });

  it('hands a claimed path to its owner only', async () => {
    const r = await upgrade(port, '/mine');
    assert.match(r.text, /^HTTP\/1\.1 418/);
    assert.deepEqual(handled, ['/mine']);
  });

  it('refuses a second route with the same name', () => {
    assert.throws(
      () =>
        routes.add(
          'echo',
          () => false,
          () => {},
        ),
      /registered twice/,
    );
  });

  it('gives a path up when its owner stops', async () => {
    const remove = routes.add(
      'temporary',
      (p) => p === '/temp',
      (_r, s) => s.end('HTTP/1.1 200 OK\r\n\r\n'),
    );
    remove();
    assert.match((await upgrade(port, '/temp')).text, /^HTTP\/1\.1 404/);
  });
});
