import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { encode, topics } from '@outpost/protocol';
import { EXAMPLES } from '@outpost/protocol/testing';
import type { MqttClient } from 'mqtt';
import { connectAgent, startTestHub, type TestHub, until } from './support/link.js';
import { needPeers } from './support/peers.js';

const now = () => Date.now();
const ROOT = join(import.meta.dirname, '..');

function statusBytes(state: 'online' | 'offline' = 'online'): Buffer {
  const r = encode('status', { ...EXAMPLES.status, state, started_at: now(), ts: now() });
  assert.ok(r.ok);
  return Buffer.from(r.bytes);
}

function batchBytes(seq: number, samples: Parameters<typeof encode<'batch'>>[1]['samples'] = []): Buffer {
  const r = encode('batch', { v: 1, seq, sent_at: now(), samples, events: [] });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return Buffer.from(r.bytes);
}

/** Collects the messages an agent receives, by topic suffix. */
function inbox(client: MqttClient) {
  const acks: number[] = [];
  const configs: { version: number }[] = [];
  client.on('message', (topic, payload) => {
    const m = JSON.parse(payload.toString());
    if (topic.endsWith('/down/ack')) acks.push(m.upTo);
    if (topic.endsWith('/down/config')) configs.push(m);
  });
  return { acks, configs };
}

describe('hub <-> agent link: enrollment rate limit', () => {
  let t: TestHub | undefined;
  after(async () => {
    await t?.close();
  });

  it('answers 429 with Retry-After once a client address exceeds the enrollment rate', async () => {
    t = await startTestHub({ enrollRateLimitPerMinute: 2 });
    const body = { token: 'opt_wrong', hostname: 'pi', version: '1' };
    assert.equal((await t.api('POST', '/api/v1/agents/enroll', body)).status, 401);
    assert.equal((await t.api('POST', '/api/v1/agents/enroll', body)).status, 401);
    const res = await fetch(`${t.hub.url}/api/v1/agents/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, token: await t.token(await t.site('rl')) }),
    });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
  });
});

describe('hub <-> agent link: MQTT over TLS', () => {
  let t: TestHub | undefined;
  let dir: string | undefined;
  const skip = needPeers('openssl');
  before(async () => {
    if (skip) return;
    dir = mkdtempSync(join(tmpdir(), 'outpost-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
      ],
      { stdio: 'ignore' },
    );
    assert.equal(made.status, 0);
    t = await startTestHub({ mqttsPort: 0, mqttsCert: cert, mqttsKey: key });
  });
  after(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves MQTT over TLS with the configured certificate', { skip }, async () => {
    assert.ok(t && dir);
    const cert = join(dir, 'cert.pem');
    const port = t.link.endpoints.mqttsPort;
    assert.ok(port);
    const site = await t.site('tls');
    const e = await t.enroll(site);
    // With TLS on, agents are offered TLS only: no plain mqtt:// (or ws://) URL beside it.
    assert.deepEqual(e.mqtt.urls, [`mqtts://127.0.0.1:${port}`]);
    const client = await connectAgent(`mqtts://127.0.0.1:${port}`, e.agent_id, e.secret, {
      ca: readFileSync(cert),
    });
    try {
      let acked = 0;
      client.on('message', (_topic, payload) => {
        acked = JSON.parse(payload.toString()).upTo;
      });
      await client.subscribeAsync(topics.downFilter(e.agent_id), { qos: 1 });
      await client.publishAsync(topics.batch(e.agent_id), batchBytes(1), { qos: 1 });
      await until(() => acked === 1, 5000, 'ack over TLS');
    } finally {
      client.end(true);
    }
  });

  it('the agent connects over mqtts only when it trusts the hub certificate', { skip }, async () => {
    assert.ok(t && dir);
    const hub = t;
    const port = hub.link.endpoints.mqttsPort;
    const e = await hub.enroll(await hub.site('tls-agent'));
    const data = join(dir, 'agent');
    mkdirSync(data, { mode: 0o700 });
    writeFileSync(
      join(data, 'identity.json'),
      JSON.stringify({
        agent_id: e.agent_id,
        secret: e.secret,
        site_id: e.site_id,
        hub_url: 'http://127.0.0.1:1',
        // As an identity enrolled before TLS lists them: plain first. The agent must still use TLS only.
        mqtt_urls: [`mqtt://127.0.0.1:${hub.link.endpoints.mqttPort}`, `mqtts://127.0.0.1:${port}`],
        hostname: 'tls-agent',
        enrolled_at: Date.now(),
      }),
      { mode: 0o600 },
    );
    const connected = async () => {
      const r = await hub.api('GET', `/api/v1/agents?site_id=${e.site_id}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.items.some((a: { id: string; connected: boolean }) => a.id === e.agent_id && a.connected);
    };
    const run = (env: Record<string, string>) => {
      const child = spawn(
        process.execPath,
        [join(ROOT, 'agent/bin/outpost-agent.js'), 'run', '--data', data],
        {
          env: { ...process.env, OUTPOST_LOG_LEVEL: 'warn', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (b) => {
        out += b;
      });
      const stop = async () => {
        if (child.exitCode === null) {
          child.kill('SIGKILL');
          await once(child, 'exit');
        }
      };
      return { out: () => out, stop };
    };
    // Not trusted: the certificate is refused and the agent never reaches the broker.
    const untrusted = run({});
    try {
      await until(
        () => /hub link error.*self-signed certificate/.test(untrusted.out()),
        15_000,
        'TLS error logged',
      );
      assert.equal(await connected(), false);
    } finally {
      await untrusted.stop();
    }
    // Trusted through NODE_EXTRA_CA_CERTS (as agent/README.md says): connected, and the name is checked.
    const trusted = run({ NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') });
    try {
      let ok = false;
      await until(
        async () => {
          ok = ok || (await connected());
          return ok;
        },
        15_000,
        'agent connected over TLS',
      );
    } finally {
      await trusted.stop();
    }
  });
});

describe('hub <-> agent link: the plain MQTT listener', () => {
  it('can be turned off: no plain port, no mqtt:// URL offered', async () => {
    const t = await startTestHub({ mqttPlain: false });
    try {
      assert.equal(t.link.endpoints.mqttPort, undefined);
      const e = await t.enroll(await t.site('no-plain'));
      assert.ok(!e.mqtt.urls.some((u) => u.startsWith('mqtt://')), e.mqtt.urls.join(' '));
      // MQTT over WebSocket on the HTTP port still works.
      const client = await connectAgent(t.wsUrl, e.agent_id, e.secret);
      client.end(true);
    } finally {
      await t.close();
    }
  });

  it('is named in a warning at start when it listens beyond this machine without TLS', async () => {
    const warnings: { level: string; msg: string }[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        for (const line of String(chunk).split('\n').filter(Boolean)) warnings.push(JSON.parse(line));
        cb();
      },
    });
    for (const [extra, want] of [
      [{ mqttPlainHost: '127.0.0.2' }, []],
      [{ mqttPlainHost: '0.0.0.0' }, [/agents are offered plain MQTT/]],
    ] as const) {
      warnings.length = 0;
      const t = await startTestHub({ ...extra, logLevel: 'warn' }, { logDestination: sink });
      await t.close();
      const said = warnings.filter((w) => w.level === 'warn').map((w) => w.msg);
      assert.equal(said.length, want.length, `${JSON.stringify(extra)}: ${said.join(' | ')}`);
      for (const [i, re] of want.entries()) assert.match(said[i] ?? '', re);
    }
  });

  it('can be bound to another address than the HTTP server (e.g. loopback for a local agent)', async () => {
    const t = await startTestHub({ mqttPlainHost: '127.0.0.2' });
    try {
      const port = t.link.endpoints.mqttPort;
      const e = await t.enroll(await t.site('bound'));
      await assert.rejects(connectAgent(`mqtt://127.0.0.1:${port}`, e.agent_id, e.secret), /ECONNREFUSED/);
      const client = await connectAgent(`mqtt://127.0.0.2:${port}`, e.agent_id, e.secret);
      client.end(true);
    } finally {
      await t.close();
    }
  });
});

describe('hub <-> agent link: broker, enrollment and access', () => {
  let t: TestHub;
  let site: number;
  before(async () => {
    t = await startTestHub();
    site = await t.site('shop-1');
    await t.device(site);
  });
  after(async () => {
    await t?.close();
  });

  for (const transport of ['tcp', 'websocket'] as const) {
    it(`enrolls, connects over ${transport}, publishes a batch and gets the ack`, async () => {
      const e = await t.enroll(site);
      assert.match(e.agent_id, /^agent-[0-9a-f]{16}$/);
      assert.equal(e.site_id, site);
      assert.ok(
        e.mqtt.urls.some((u) => u.startsWith('mqtt://')) && e.mqtt.urls.some((u) => u.endsWith('/mqtt')),
      );
      const url = transport === 'tcp' ? t.mqttUrl : t.wsUrl;
      const client = await connectAgent(url, e.agent_id, e.secret);
      try {
        const box = inbox(client);
        await client.subscribeAsync(topics.downFilter(e.agent_id), { qos: 1 });
        await client.publishAsync(topics.status(e.agent_id), statusBytes(), { qos: 1, retain: true });
        await client.publishAsync(
          topics.batch(e.agent_id),
          batchBytes(1, [{ metric: 'agent_cpu', value: 5, ts: now() }]),
          { qos: 1 },
        );
        await until(() => box.acks.includes(1), 5000, 'ack 1');
        await until(() => box.configs.length > 0, 5000, 'config');
        const agent = await t.api('GET', `/api/v1/agents/${e.agent_id}`);
        assert.equal(agent.body.status, 'online');
        assert.equal(agent.body.ack_up_to, 1);
        assert.equal(agent.body.connected, true);
      } finally {
        client.end(true);
      }
    });
  }

  it('refuses a wrong secret (4), an unknown agent (4) and a revoked agent (5)', async () => {
    const e = await t.enroll(site);
    await assert.rejects(
      connectAgent(t.mqttUrl, e.agent_id, 'not-the-secret'),
      (err: { code?: number }) => err.code === 4,
    );
    await assert.rejects(
      connectAgent(t.mqttUrl, 'agent-ffffffffffffffff', e.secret),
      (err: { code?: number }) => err.code === 4,
    );
    const live = await connectAgent(t.mqttUrl, e.agent_id, e.secret);
    const closed = new Promise<void>((resolve) => live.once('close', () => resolve()));
    const r = await t.api('POST', `/api/v1/agents/${e.agent_id}/revoke`);
    assert.equal(r.status, 200);
    assert.ok(r.body.revoked_at);
    await closed; // disconnected at once
    live.end(true);
    await assert.rejects(
      connectAgent(t.mqttUrl, e.agent_id, e.secret),
      (err: { code?: number }) => err.code === 5,
    );
    assert.equal((await t.api('POST', `/api/v1/agents/${e.agent_id}/revoke`)).status, 409);
  });

  it("refuses publishing to another agent's topics and subscribing outside its own, and keeps serving others", async () => {
    const a = await t.enroll(site);
    const b = await t.enroll(site);
    const ca = await connectAgent(t.mqttUrl, a.agent_id, a.secret);
    const cb = await connectAgent(t.mqttUrl, b.agent_id, b.secret);
    try {
      const boxB = inbox(cb);
      await cb.subscribeAsync(topics.downFilter(b.agent_id), { qos: 1 });
      // Subscriptions outside its own down/#: refused with 0x80, connection kept.
      for (const filter of ['#', topics.downFilter(b.agent_id), '$SYS/#', 'outpost/v1/agents/+/status']) {
        // mqtt.js 5 rejects a SUBACK of 0x80 with the packet attached.
        await assert.rejects(
          ca.subscribeAsync(filter, { qos: 1 }),
          (err: { packet?: { granted?: number[] } }) => {
            assert.deepEqual(err.packet?.granted, [128], `subscribe ${filter}`);
            return true;
          },
        );
      }
      assert.equal(ca.connected, true);
      // Publishing as another agent: the broker closes the offender's connection.
      const closed = new Promise<void>((resolve) => ca.once('close', () => resolve()));
      ca.publish(topics.batch(b.agent_id), batchBytes(1), { qos: 1 });
      await closed;
      // The other agent is still served.
      await cb.publishAsync(topics.batch(b.agent_id), batchBytes(1), { qos: 1 });
      await until(() => boxB.acks.includes(1), 5000, 'ack for b');
      assert.equal(await t.hub.ctx.store.ledger.upTo(a.agent_id), 0, 'nothing stored for a');
    } finally {
      ca.end(true);
      cb.end(true);
    }
  });

  it('enrollment: a reused or expired token gets a clear 4xx and creates nothing', async () => {
    const token = await t.token(site);
    const first = await t.api('POST', '/api/v1/agents/enroll', { token, hostname: 'pi', version: '1' });
    assert.equal(first.status, 201);
    const before = (await t.api('GET', '/api/v1/agents')).body.items.length;
    const again = await t.api('POST', '/api/v1/agents/enroll', { token, hostname: 'pi', version: '1' });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'token_used');
    const expired = await t.token(site, -1);
    const late = await t.api('POST', '/api/v1/agents/enroll', {
      token: expired,
      hostname: 'pi',
      version: '1',
    });
    assert.equal(late.status, 410);
    const unknown = await t.api('POST', '/api/v1/agents/enroll', {
      token: 'opt_nope',
      hostname: 'pi',
      version: '1',
    });
    assert.equal(unknown.status, 401);
    assert.equal((await t.api('GET', '/api/v1/agents')).body.items.length, before);
    assert.doesNotMatch(JSON.stringify((await t.api('GET', '/api/v1/agents')).body), /secret/);
  });

  it('creates a token with `outpost-hub token create` that enrolls an agent once', async () => {
    const bin = join(import.meta.dirname, '..', 'hub', 'bin', 'outpost-hub.js');
    // Asynchronous: the hub under test runs in this process and must keep serving meanwhile.
    const run = (args: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [bin, ...args], (err, stdout, stderr) =>
          resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
        );
      });
    const r = await run(['token', 'create', '--site', 'cli-site', '--ttl', '1h', '--data', t.dir]);
    assert.equal(r.status, 0, r.stderr);
    const token = r.stdout.split('\n')[0] as string;
    assert.match(r.stdout, new RegExp(`outpost-agent enroll --hub \\S+ --token ${token}`));
    assert.match(r.stderr, /created site "cli-site"/);
    const e = await t.api('POST', '/api/v1/agents/enroll', { token, hostname: 'cli-pi', version: '1' });
    assert.equal(e.status, 201);
    const bad = await run(['token', 'create', '--site', 'x', '--ttl', 'soon', '--data', t.dir]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /invalid duration "soon"/);
  });

  it('creates enrollment tokens through the API (admin) with the agent command', async () => {
    const r = await t.api('POST', '/api/v1/agents/enrollment-tokens', { site: 'shop-1', ttl: '2h' });
    assert.equal(r.status, 201);
    assert.match(r.body.command, /^outpost-agent enroll --hub http:\/\/\S+ --token opt_/);
    const bad = await t.api('POST', '/api/v1/agents/enrollment-tokens', { site: 'nowhere' });
    assert.equal(bad.status, 422);
    const anon = await t.api('POST', '/api/v1/agents/enrollment-tokens', { site: 'shop-1' }, 'x');
    assert.equal(anon.status, 401);
  });
});
