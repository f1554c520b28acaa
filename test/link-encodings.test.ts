import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CAPABILITY_COMPACT_BATCH, decode, encode, topics } from '@outpost/protocol';
import type { MqttClient } from 'mqtt';
import { children, readState, startRunner, stopRunner } from './support/agent-fixtures.js';
import { type HubProcess, spawnHubProcess } from './support/hub-process.js';
import { connectAgent, until } from './support/link.js';

const ADMIN_PASSWORD = 'correct-horse-battery-staple-9';

describe('a JSON agent of before and a compact agent, through a real hub process', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-encodings-'));
  const procs: ChildProcess[] = [];
  let hub: HubProcess;
  let token = '';
  // biome-ignore lint/suspicious/noExplicitAny: API bodies of many shapes, checked by the assertions
  const api = async (method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${hub.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
    };
  };
  /** A site with one device polled every 5 s, and an agent enrolled into it. */
  const siteWithAgent = async (name: string) => {
    const site = await api('POST', '/api/v1/sites', { name });
    assert.equal(site.status, 201, JSON.stringify(site.body));
    const device = await api('POST', '/api/v1/devices', {
      name: `${name}-sw`,
      ip_address: '192.0.2.1',
      site_id: site.body.id,
      snmp: { version: '2c', community: 'public' },
      poll_interval_s: 5,
    });
    assert.equal(device.status, 201, JSON.stringify(device.body));
    const t = await api('POST', '/api/v1/agents/enrollment-tokens', { site_id: site.body.id });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    const res = await fetch(`${hub.url}/api/v1/agents/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: t.body.token, hostname: `${name}-pi`, version: '0.1.0' }),
    });
    assert.equal(res.status, 201);
    const enrolled = (await res.json()) as { agent_id: string; secret: string; site_id: number };
    return { ...enrolled, deviceId: device.body.id as number };
  };
  const points = async (deviceId: number, metric: string) => {
    const r = await api(
      'GET',
      // The samples are from the last minutes; a range within metricsMaxRangeDays.
      `/api/v1/devices/${deviceId}/metrics?name=${metric}&from=${new Date(Date.now() - 86_400_000).toISOString()}`,
    );
    if (r.status !== 200) return 0;
    return (r.body.series as { points: unknown[] }[]).reduce((n, s) => n + s.points.length, 0);
  };

  before(async () => {
    hub = await spawnHubProcess(dir, { adminPassword: ADMIN_PASSWORD });
    procs.push(hub.proc);
    const res = await fetch(`${hub.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    assert.equal(res.status, 200);
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers, acknowledges and stores the batches of both', async () => {
    // The agent of before: it ignores capabilities and publishes JSON batches as agents always have.
    const old = await siteWithAgent('old-shop');
    const client: MqttClient = await connectAgent(
      `mqtt://127.0.0.1:${hub.mqttPort}`,
      old.agent_id,
      old.secret,
    );
    let upTo = 0;
    let announced: string[] | undefined;
    client.on('message', (topic, payload) => {
      const r = decode(topic, payload);
      if (r.ok && r.kind === 'ack') upTo = Math.max(upTo, r.message.upTo);
      if (r.ok && r.kind === 'config') announced = r.message.capabilities;
    });
    await client.subscribeAsync(topics.downFilter(old.agent_id), { qos: 1 });
    const status = encode('status', {
      v: 1,
      state: 'online',
      version: '0.1.0',
      started_at: Date.now(),
      ts: Date.now(),
    });
    assert.ok(status.ok);
    await client.publishAsync(topics.status(old.agent_id), Buffer.from(status.bytes), {
      qos: 1,
      retain: true,
    });
    const t0 = Date.now() - 60_000;
    for (let seq = 1; seq <= 3; seq++) {
      const samples = Array.from({ length: 4 }, (_, i) => ({
        device_id: old.deviceId,
        metric: 'legacy_load',
        value: seq * 10 + i + 0.5,
        unit: 'percent',
        ts: t0 + seq * 1000 + i,
      }));
      const out = encode('batch', { v: 1, seq, sent_at: t0 + seq * 1000, samples, events: [] });
      assert.ok(out.ok);
      await client.publishAsync(topics.batch(old.agent_id), Buffer.from(out.bytes), { qos: 1 });
    }

    // The agent of now (the agent runtime as `outpost-agent run`, with a synthetic poller), into another site.
    const cur = await siteWithAgent('new-shop');
    const agentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-encodings-agent-'));
    fs.writeFileSync(
      path.join(agentDir, 'identity.json'),
      JSON.stringify({
        agent_id: cur.agent_id,
        secret: cur.secret,
        site_id: cur.site_id,
        hub_url: hub.url,
        mqtt_urls: [`mqtt://127.0.0.1:${hub.mqttPort}`],
        hostname: 'new-shop-pi',
        enrolled_at: Date.now(),
      }),
      { mode: 0o600 },
    );
    const runner = startRunner(agentDir, 'cur', { RUNNER_SAMPLES: '5' });
    try {
      await until(() => upTo === 3, 20_000, 'the old agent acknowledged up to 3');
      await until(() => announced, 10_000, 'the config of the old agent');
      assert.deepEqual(announced, [CAPABILITY_COMPACT_BATCH], 'the hub announces compact batches');
      await until(
        async () => (await points(old.deviceId, 'legacy_load')) === 12,
        20_000,
        'the JSON samples',
        200,
      );

      await until(
        async () => (await points(cur.deviceId, 'test_counter')) >= 5,
        30_000,
        'a poll of the compact agent stored',
        200,
      );
      const state = readState(agentDir) as {
        forwarder?: { encoding?: string };
        outbox: { rows: number };
      } | null;
      assert.equal(state?.forwarder?.encoding, 'compact');
      const agents = await api('GET', '/api/v1/agents');
      const me = (agents.body.items as { id: string; ack_up_to: number }[]).find(
        (a) => a.id === cur.agent_id,
      );
      assert.ok(me && me.ack_up_to >= 1, JSON.stringify(me));
      assert.equal(await stopRunner(runner), 0, 'a clean stop drains the outbox');
      assert.equal(readState(agentDir)?.outbox.rows, 0);

      const metrics = String((await api('GET', '/metrics')).body);
      const count = (encoding: string) =>
        Number(
          new RegExp(`outpost_hub_batch_payloads_total\\{encoding="${encoding}"\\} (\\d+)`).exec(
            metrics,
          )?.[1] ?? 0,
        );
      // The old agent's 3, and the new agent's first batches if they left before the hub's config arrived.
      assert.ok(count('json') >= 3, metrics);
      assert.ok(count('compact') >= 1, metrics);
      // Every compact batch's series table was either decoded or one the agent had sent before.
      const tables = (table: string) =>
        Number(
          new RegExp(`outpost_hub_compact_series_tables_total\\{table="${table}"\\} (\\d+)`).exec(
            metrics,
          )?.[1] ?? 0,
        );
      assert.ok(tables('decoded') >= 1, metrics);
      assert.equal(tables('decoded') + tables('reused'), count('compact'), metrics);
      assert.doesNotMatch(metrics, /outpost_hub_invalid_payloads_total\{/);
    } finally {
      await stopRunner(runner, 'SIGKILL');
      client.end(true);
      fs.rmSync(agentDir, { recursive: true, force: true });
    }
  });
});
