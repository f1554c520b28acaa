import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type Socket, connect as tcpConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { encode, topics } from '@outpost/protocol';
import { MqttClient } from 'mqtt';
import { startTestHub, type TestHub, until } from './support/link.js';

// The hub under abuse: small limits so that each is reached quickly, short timeouts so that each is seen.
const LIMITS = {
  mqttMaxConnectionsPerAddress: 20,
  mqttMaxConnections: 40,
  mqttConnectTimeoutS: 2,
  httpIdleTimeoutS: 2,
  httpMaxConnections: 60,
  sseMaxPerUser: 50,
  sseMaxConnections: 20,
};

/** Open sockets of the hub's HTTP server. */
function connections(t: TestHub): Promise<number> {
  return new Promise((resolve, reject) =>
    t.hub.httpServer.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  );
}

/** A raw TCP socket from `localAddress` (every 127.0.0.0/8 address is this machine). */
async function raw(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  const socket = tcpConnect({ host: '127.0.0.1', port, localAddress });
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

/** Resolves when the socket closes; fails after `ms`. */
function closed(socket: Socket, ms: number, what: string): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: socket still open`)), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** An MQTT fixed header declaring `remaining` bytes. */
function header(type: number, remaining: number): Buffer {
  const out = [type << 4];
  let n = remaining;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

/** A well-behaved agent from its own address: connects, publishes a batch, waits for its ack. */
async function goodAgent(t: TestHub, siteId: number, localAddress: string): Promise<number> {
  const e = await t.enroll(siteId);
  const port = t.link.endpoints.mqttPort as number;
  const client = new MqttClient(() => tcpConnect({ host: '127.0.0.1', port, localAddress }), {
    clientId: e.agent_id,
    username: e.agent_id,
    password: e.secret,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    let acked = 0;
    client.on('message', (_topic, payload) => {
      acked = JSON.parse(payload.toString()).upTo;
    });
    await client.subscribeAsync(topics.downFilter(e.agent_id), { qos: 1 });
    const started = Date.now();
    const batch = encode('batch', { v: 1, seq: 1, sent_at: Date.now(), samples: [], events: [] });
    assert.ok(batch.ok);
    await client.publishAsync(topics.batch(e.agent_id), Buffer.from(batch.bytes), { qos: 1 });
    await until(() => acked === 1, 5000, 'the good agent acknowledged');
    return Date.now() - started;
  } finally {
    client.end(true);
  }
}

describe('resource limits under abuse', () => {
  let t: TestHub;
  let site: number;
  let mqttPort: number;
  let httpPort: number;
  before(async () => {
    t = await startTestHub(LIMITS);
    site = await t.site('abuse');
    mqttPort = t.link.endpoints.mqttPort as number;
    httpPort = Number(new URL(t.hub.url).port);
  });
  after(async () => {
    await t.close();
  });

  const healthy = async () => (await fetch(`${t.hub.url}/api/v1/health`)).status === 200;

  it('answers a WebSocket upgrade on an unknown path with 404 and closes the socket', async () => {
    const before = await connections(t);
    const sockets: Socket[] = [];
    const answers: string[] = [];
    for (const path of ['/nope', '/api/v1/devices', '/mqtt/x', '/api/v1/cameras/1/livex']) {
      const s = await raw(httpPort);
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

  it('cuts a CONNECT that declares 200 MiB at its header, before buffering it', async () => {
    const s = await raw(mqttPort);
    const before = process.memoryUsage().arrayBuffers;
    let written = 0;
    s.write(header(1, 200 * 1024 * 1024));
    const chunk = Buffer.alloc(64 * 1024);
    const end = closed(s, 3000, 'a 200 MiB CONNECT');
    // Keep sending (as the attacker would) until the hub hangs up, at most 32 MiB.
    while (!s.destroyed && written < 32 * 1024 * 1024) {
      written += chunk.length;
      if (!s.write(chunk))
        await new Promise<void>((resolve) => {
          s.once('drain', resolve);
          s.once('close', resolve);
        });
    }
    await end;
    assert.ok(written < 16 * 1024 * 1024, `${written} bytes accepted before the hub closed`);
    const grown = process.memoryUsage().arrayBuffers - before;
    assert.ok(grown < 16 * 1024 * 1024, `the hub's buffers grew by ${grown} bytes`);
    assert.ok(await healthy());
  });

  it('refuses MQTT connections over the per-address and total limits and keeps serving agents', async () => {
    const idle: Socket[] = [];
    for (let i = 0; i < LIMITS.mqttMaxConnectionsPerAddress; i++) idle.push(await raw(mqttPort));
    const over = await raw(mqttPort);
    await closed(over, 1000, 'the 21st connection of one address');
    // Another address fills the broker up to its total; one more from a third address is refused.
    for (let i = 0; i < LIMITS.mqttMaxConnections - LIMITS.mqttMaxConnectionsPerAddress - 1; i++)
      idle.push(await raw(mqttPort, '127.0.0.3'));
    const ms = await goodAgent(t, site, '127.0.0.2'); // the 40th
    assert.ok(ms < 5000);
    assert.ok(await healthy(), 'health answers');
    // The idle ones never sent a CONNECT: gone after mqttConnectTimeoutS.
    await Promise.all(idle.map((s) => closed(s, 6000, 'an idle MQTT connection')));
  });

  it('cuts slow senders at the connect timeout while a good agent is served', async () => {
    const connect = Buffer.concat([header(1, 40), Buffer.alloc(40)]);
    const slow = await Promise.all(Array.from({ length: 10 }, () => raw(mqttPort, '127.0.0.4')));
    let i = 0;
    const drip = setInterval(() => {
      for (const s of slow) if (!s.destroyed) s.write(connect.subarray(i, i + 1));
      i++;
    }, 200);
    try {
      const ms = await goodAgent(t, site, '127.0.0.5');
      assert.ok(ms < 5000);
      await Promise.all(slow.map((s) => closed(s, 6000, 'a slow sender')));
      assert.ok(i < connect.length, 'cut before their CONNECT was complete');
    } finally {
      clearInterval(drip);
    }
  });

  it('caps event streams and keeps answering', async () => {
    const ac = new AbortController();
    const open = (signal = ac.signal) =>
      fetch(`${t.hub.url}/api/v1/events`, { headers: { authorization: `Bearer ${t.adminToken}` }, signal });
    try {
      const streams = await Promise.all(Array.from({ length: LIMITS.sseMaxConnections }, open));
      for (const r of streams) assert.equal(r.status, 200);
      const refused = await open();
      assert.equal(refused.status, 429);
      assert.ok(await healthy());
    } finally {
      ac.abort();
    }
    await until(
      async () => {
        const r = await open(AbortSignal.timeout(5000));
        await r.body?.cancel();
        return r.status === 200;
      },
      5000,
      'slots free again once the streams closed',
    );
  });

  it('closes HTTP connections that never send a byte, and refuses more than httpMaxConnections', async () => {
    const before = await connections(t);
    const idle = await Promise.all(
      Array.from({ length: LIMITS.httpMaxConnections - before }, () => raw(httpPort)),
    );
    const over = await raw(httpPort);
    await closed(over, 1000, 'a connection over httpMaxConnections');
    await Promise.all(idle.map((s) => closed(s, 6000, 'an idle HTTP connection')));
    assert.ok(await healthy(), 'health answers once the idle connections are gone');
  });
});
