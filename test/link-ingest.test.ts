import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BatchInput, encode, topics } from '@outpost/protocol';
import type { MqttClient } from 'mqtt';
import type { HubEventMap } from '../hub/src/events.js';
import { sqliteDb } from '../hub/src/store/sqlite/inspect.testing.js';
import { connectAgent, startTestHub, type TestHub, until } from './support/link.js';

const T0 = Date.now();

function bytes(kind: 'status' | 'batch' | 'result', message: unknown): Buffer {
  const r = encode(kind, message as never);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return Buffer.from(r.bytes);
}

interface Agent {
  id: string;
  secret: string;
  client: MqttClient;
  acks: number[];
  configs: { version: number; devices: { id: number; snmp: { community?: string } }[] }[];
  cmds: { id: string; type: string; args: Record<string, unknown> }[];
  batch(seq: number, body?: Partial<BatchInput>): Promise<void>;
  online(): Promise<void>;
  result(m: Record<string, unknown>): Promise<void>;
}

async function agentOf(t: TestHub, e: { agent_id: string; secret: string }): Promise<Agent> {
  const client = await connectAgent(t.mqttUrl, e.agent_id, e.secret);
  const a: Agent = {
    id: e.agent_id,
    secret: e.secret,
    client,
    acks: [],
    configs: [],
    cmds: [],
    async batch(seq, body = {}) {
      await client.publishAsync(
        topics.batch(e.agent_id),
        bytes('batch', { v: 1, seq, sent_at: Date.now(), samples: [], events: [], ...body }),
        { qos: 1 },
      );
    },
    async online() {
      const ts = Date.now();
      await client.publishAsync(
        topics.status(e.agent_id),
        bytes('status', { v: 1, state: 'online', version: '0.1.0', started_at: ts, ts, config_version: 0 }),
        { qos: 1, retain: true },
      );
    },
    async result(m) {
      await client.publishAsync(topics.result(e.agent_id), bytes('result', { v: 1, ts: Date.now(), ...m }), {
        qos: 1,
      });
    },
  };
  client.on('message', (topic, payload) => {
    const m = JSON.parse(payload.toString());
    if (topic.endsWith('/down/ack')) a.acks.push(m.upTo);
    else if (topic.endsWith('/down/config')) a.configs.push(m);
    else if (topic.endsWith('/down/cmd')) a.cmds.push(m);
  });
  await client.subscribeAsync(topics.downFilter(e.agent_id), { qos: 1 });
  return a;
}

describe('hub <-> agent link: ingest, config push and jobs', () => {
  let t: TestHub;
  let site: number;
  let other: number;
  let dev: number;
  let foreignDev: number;
  let cam: number;
  before(async () => {
    t = await startTestHub();
    site = await t.site('shop-1');
    other = await t.site('shop-2');
    dev = await t.device(site);
    foreignDev = await t.device(other, 'far', '192.0.2.99');
    cam = await t.camera(site);
  });
  after(async () => {
    await t?.close();
  });

  const count = (sql: string, ...p: unknown[]) =>
    sqliteDb(t.hub.ctx.store)
      .prepare(sql)
      .pluck()
      .get(...p) as number;

  it('stores a batch re-sent with the same seq once and acknowledges it again', async () => {
    const a = await agentOf(t, await t.enroll(site));
    try {
      const samples = [{ device_id: dev, metric: 'cpu_load', value: 12, ts: T0 }];
      const ts = t.hub.ctx.store.series;
      const stored = t.hub.ctx.store.timeseries.stats().headSamples;
      await a.batch(1, { samples });
      await until(() => a.acks.length === 1);
      await a.batch(1, { samples });
      await until(() => a.acks.length === 2);
      assert.deepEqual(a.acks, [1, 1]);
      assert.equal((await t.hub.ctx.store.ledger.batches(a.id)).count, 1);
      const [series] = await ts.listSeries('device', String(dev), 'cpu_load');
      assert.deepEqual(await ts.read(series!.id, { from: T0, to: T0 }), [{ t: T0, v: 12 }]);
      assert.equal(
        t.hub.ctx.store.timeseries.stats().headSamples,
        stored + 1,
        'written once, not once per delivery',
      );
    } finally {
      a.client.end(true);
    }
  });

  it('keeps the ack at the last contiguous seq across a gap and moves it when the gap fills', async () => {
    const a = await agentOf(t, await t.enroll(site));
    try {
      await a.batch(1);
      await a.batch(2);
      await a.batch(4);
      await a.batch(5);
      await until(() => a.acks.length === 4);
      assert.deepEqual(a.acks, [1, 2, 2, 2]);
      const gap = sqliteDb(t.hub.ctx.store)
        .prepare('SELECT from_seq, to_seq, filled_at FROM agent_gaps WHERE agent_id = ?')
        .get(a.id) as {
        from_seq: number;
        to_seq: number;
        filled_at: number | null;
      };
      assert.deepEqual([gap.from_seq, gap.to_seq, gap.filled_at], [3, 3, null]);
      await a.batch(3);
      await until(() => a.acks.length === 5);
      assert.equal(a.acks[4], 5);
      assert.ok(count('SELECT filled_at FROM agent_gaps WHERE agent_id = ?', a.id) > 0);
      assert.equal(count('SELECT count(*) FROM agent_batches WHERE agent_id = ?', a.id), 5);
    } finally {
      a.client.end(true);
    }
  });

  it("stores device and camera state, emits changes after commit and refuses another site's device", async () => {
    const a = await agentOf(t, await t.enroll(site));
    const seen: { name: string; payload: unknown }[] = [];
    const offs = (
      ['device.status', 'device.rebooted', 'camera.status', 'samples', 'agent.event'] as const
    ).map((n) => t.hub.ctx.events.on(n, (p: HubEventMap[typeof n]) => seen.push({ name: n, payload: p })));
    try {
      await a.batch(1, {
        samples: [
          {
            device_id: dev,
            metric: 'if_in_bps',
            value: 1,
            ts: T0,
            labels: { if_name: 'Gi0/1', if_index: '1' },
          },
          { device_id: foreignDev, metric: 'if_in_bps', value: 1, ts: T0 },
        ],
        events: [
          {
            type: 'device_state',
            ts: T0,
            device_id: dev,
            status: 'online',
            sys: { name: 'core', uptime_s: 1000 },
          },
          { type: 'device_state', ts: T0, device_id: foreignDev, status: 'unreachable' },
          {
            type: 'camera_state',
            ts: T0,
            camera_id: cam,
            status: 'degraded',
            reason: '8 fps',
            stream: { codec: 'H264', fps: 8 },
          },
          { type: 'buffer_drop', ts: T0, dropped: 5, total_dropped: 5 },
        ],
      });
      await until(() => a.acks.includes(1));
      await a.batch(2, {
        events: [
          { type: 'device_state', ts: T0 + 1000, device_id: dev, status: 'online', sys: { uptime_s: 3 } },
        ],
      });
      await until(() => a.acks.includes(2));
      const d = sqliteDb(t.hub.ctx.store)
        .prepare('SELECT status, sys_name, uptime_s FROM devices WHERE id = ?')
        .get(dev);
      assert.deepEqual(d, { status: 'online', sys_name: 'core', uptime_s: 3 });
      assert.equal(
        count('SELECT count(*) FROM devices WHERE id = ? AND status = ?', foreignDev, 'unknown'),
        1,
      );
      const c = sqliteDb(t.hub.ctx.store)
        .prepare('SELECT status, stream_json FROM cameras WHERE id = ?')
        .get(cam) as {
        status: string;
        stream_json: string;
      };
      assert.equal(c.status, 'degraded');
      assert.equal(JSON.parse(c.stream_json).fps, 8);
      const names = seen.map((s) => s.name);
      assert.equal(names.filter((n) => n === 'device.status').length, 1, 'only on change');
      assert.ok(names.includes('device.rebooted'));
      assert.ok(names.includes('camera.status'));
      assert.ok(names.includes('agent.event'));
      const samples = seen.find((s) => s.name === 'samples')?.payload as { samples: unknown[] };
      assert.equal(samples.samples.length, 1);
      assert.equal((await t.api('GET', `/api/v1/agents/${a.id}`)).body.refused_items, 2);
      const events = (await t.api('GET', `/api/v1/agents/${a.id}/events`)).body.items as { type: string }[];
      assert.deepEqual(events.map((e) => e.type).sort(), ['buffer_drop', 'camera_state', 'device_state']);
    } finally {
      for (const off of offs) off();
      a.client.end(true);
    }
  });

  it('counts an invalid payload for its agent and keeps ingesting', async () => {
    const a = await agentOf(t, await t.enroll(site));
    try {
      await a.client.publishAsync(topics.batch(a.id), Buffer.from('{"v":1,"seq":"x"}'), { qos: 1 });
      await a.batch(1);
      await until(() => a.acks.includes(1));
      assert.equal((await t.api('GET', `/api/v1/agents/${a.id}`)).body.invalid_payloads, 1);
      const metrics = await (
        await fetch(`${t.hub.url}/metrics`, { headers: { authorization: `Bearer ${t.adminToken}` } })
      ).text();
      assert.match(
        metrics,
        new RegExp(`outpost_hub_invalid_payloads_total\\{agent="${a.id}",code="schema"\\} 1`),
      );
    } finally {
      a.client.end(true);
    }
  });

  it('publishes the site config on connect and a new version when a device changes; tracks the version applied', async () => {
    const s = await t.site('shop-3');
    const d = await t.device(s, 'edge', '192.0.2.30');
    const a = await agentOf(t, await t.enroll(s));
    try {
      await a.online();
      await until(() => a.configs.length === 1, 5000, 'config on connect');
      const first = a.configs[0] as Agent['configs'][number];
      assert.deepEqual(
        first.devices.map((x) => x.id),
        [d],
      );
      assert.equal(first.devices[0]?.snmp.community, 'test-community');
      await t.device(s, 'edge-2', '192.0.2.31');
      t.hub.ctx.events.emit('inventory.changed', { site_id: s, kind: 'device', id: d, change: 'created' });
      await until(() => a.configs.length === 2, 5000, 'config after change');
      assert.equal(a.configs[1]?.version, first.version + 1);
      assert.equal(a.configs[1]?.devices.length, 2);
      const ts = Date.now();
      await a.client.publishAsync(
        topics.status(a.id),
        bytes('status', {
          v: 1,
          state: 'online',
          version: '0.1.0',
          started_at: ts,
          ts,
          config_version: first.version + 1,
        }),
        { qos: 1 },
      );
      await until(
        async () =>
          (await t.api('GET', `/api/v1/agents/${a.id}`)).body.config_version_applied === first.version + 1,
      );
      // Another site's agent never receives this site's config.
      assert.ok(a.configs.every((c) => (c as unknown as { site_id: number }).site_id === s));
    } finally {
      a.client.end(true);
    }
  });

  it('runs a job round trip with log lines, and marks the agent offline from its will', async () => {
    const s = await t.site('shop-4');
    const d = await t.device(s, 'sw4', '192.0.2.40');
    const a = await agentOf(t, await t.enroll(s));
    try {
      await a.online();
      await until(() => t.link.presence.isOnline(a.id));
      const r = await t.api('POST', `/api/v1/devices/${d}/poll`);
      assert.equal(r.status, 202);
      const jobId = r.body.job_id as string;
      const cmd = await until(() => a.cmds.find((c) => c.id === jobId), 5000, 'command');
      assert.equal(cmd.type, 'poll-now');
      assert.deepEqual(cmd.args, { device_id: d });
      assert.equal((await t.api('GET', `/api/v1/jobs/${jobId}`)).body.state, 'sent');
      // No answer yet: the command is sent again (same id) until the agent answers.
      await t.link.jobs.sweep(Date.now() + 16_000);
      await until(() => a.cmds.filter((c) => c.id === jobId).length === 2, 5000, 'command re-sent');
      assert.equal((await t.api('GET', `/api/v1/jobs/${jobId}`)).body.send_count, 2);
      await a.result({
        id: jobId,
        state: 'running',
        logs: [{ ts: Date.now(), level: 'info', line: 'walking system' }],
      });
      await until(async () => (await t.api('GET', `/api/v1/jobs/${jobId}`)).body.state === 'running');
      await a.result({
        id: jobId,
        state: 'succeeded',
        logs: [{ ts: Date.now(), line: 'done' }],
        result: { ok: 1 },
      });
      const job = await until(async () => {
        const j = (await t.api('GET', `/api/v1/jobs/${jobId}`)).body;
        return j.state === 'succeeded' ? j : undefined;
      });
      assert.deepEqual(job.result, { ok: 1 });
      const logs = (await t.api('GET', `/api/v1/jobs/${jobId}/logs`)).body.items;
      assert.deepEqual(
        logs.map((l: { line: string }) => l.line),
        ['walking system', 'done'],
      );
      assert.equal((await t.api('POST', `/api/v1/jobs/${jobId}/cancel`)).status, 409);
    } finally {
      a.client.end(true);
    }
    await until(() => !t.link.presence.isOnline(a.id), 5000, 'offline after disconnect');
  });

  it('keeps a job for an offline agent queued, sends it on reconnect, and cancels', async () => {
    const s = await t.site('shop-5');
    const d = await t.device(s, 'sw5', '192.0.2.50');
    const c = await t.camera(s, 'cam5');
    const e = await t.enroll(s);
    // The agent was online once, then went away.
    const before = await agentOf(t, e);
    await before.online();
    await until(() => t.link.presence.isOnline(e.agent_id));
    before.client.end(true);
    await until(() => !t.link.presence.isOnline(e.agent_id), 5000, 'offline');
    const queued = await t.api('POST', `/api/v1/cameras/${c}/test`);
    assert.equal(queued.status, 202);
    const toCancel = await t.api('POST', `/api/v1/devices/${d}/poll`);
    assert.equal((await t.api('GET', `/api/v1/jobs/${queued.body.job_id}`)).body.state, 'queued');
    const cancelled = await t.api('POST', `/api/v1/jobs/${toCancel.body.job_id}/cancel`);
    assert.equal(cancelled.body.state, 'cancelled');
    const a = await agentOf(t, e);
    try {
      await a.online();
      const cmd = await until(
        () => a.cmds.find((x) => x.id === queued.body.job_id),
        5000,
        'queued command on reconnect',
      );
      assert.equal(cmd.type, 'camera-test');
      assert.ok(!a.cmds.some((x) => x.id === toCancel.body.job_id), 'a cancelled job is never sent');
      await a.result({ id: queued.body.job_id, state: 'accepted' });
      // Cancel a running job: the agent is told, the job ends when it reports cancelled.
      const r = await t.api('POST', `/api/v1/jobs/${queued.body.job_id}/cancel`);
      assert.equal(r.status, 200);
      const cancel = await until(() => a.cmds.find((x) => x.type === 'cancel'), 5000, 'cancel command');
      assert.deepEqual(cancel.args, { command_id: queued.body.job_id });
      await a.result({ id: queued.body.job_id, state: 'cancelled' });
      await until(
        async () => (await t.api('GET', `/api/v1/jobs/${queued.body.job_id}`)).body.state === 'cancelled',
      );
      const list = (await t.api('GET', `/api/v1/jobs?site_id=${s}`)).body;
      assert.equal(list.pagination.total, 2);
    } finally {
      a.client.end(true);
    }
  });

  it('marks an agent offline from its will when the connection is lost', async () => {
    const e = await t.enroll(site);
    const ts = Date.now();
    const will = bytes('status', {
      v: 1,
      state: 'offline',
      reason: 'will',
      version: '0.1.0',
      started_at: ts,
      ts,
    });
    const client = await connectAgent(t.mqttUrl, e.agent_id, e.secret, {
      will: { topic: topics.status(e.agent_id), payload: will, qos: 1, retain: true },
    });
    const changes: HubEventMap['agent.status'][] = [];
    const off = t.hub.ctx.events.on('agent.status', (c) => {
      if (c.agent_id === e.agent_id) changes.push(c);
    });
    try {
      const online = bytes('status', { v: 1, state: 'online', version: '0.1.0', started_at: ts, ts });
      await client.publishAsync(topics.status(e.agent_id), online, { qos: 1, retain: true });
      await until(() => t.link.presence.isOnline(e.agent_id));
      client.stream.destroy(); // connection lost without DISCONNECT: the broker publishes the will
      await until(() => changes.some((c) => c.state === 'offline'), 5000, 'offline');
      assert.equal(changes.find((c) => c.state === 'offline')?.reason, 'will');
      assert.equal((await t.api('GET', `/api/v1/agents/${e.agent_id}`)).body.status_reason, 'will');
    } finally {
      off();
      client.end(true);
    }
  });

  it('marks an agent offline after 2.5 heartbeats without status or batch', async () => {
    const a = await agentOf(t, await t.enroll(site));
    const changes: HubEventMap['agent.status'][] = [];
    const off = t.hub.ctx.events.on('agent.status', (e) => {
      if (e.agent_id === a.id) changes.push(e);
    });
    try {
      await a.online();
      await until(() => t.link.presence.isOnline(a.id));
      await t.link.presence.sweep(Date.now() + 2 * 30_000); // within 2.5 heartbeats: still online
      assert.equal(t.link.presence.isOnline(a.id), true);
      await t.link.presence.sweep(Date.now() + 3 * 30_000);
      assert.equal(t.link.presence.isOnline(a.id), false);
      assert.deepEqual(
        changes.map((c) => [c.state, c.reason]),
        [
          ['online', undefined],
          ['offline', 'heartbeat'],
        ],
      );
      const row = (await t.api('GET', `/api/v1/agents/${a.id}`)).body;
      assert.equal(row.status, 'offline');
      assert.equal(row.status_reason, 'heartbeat');
    } finally {
      off();
      a.client.end(true);
    }
  });

  it('streams status and job changes as server-sent events, with a stream token in ?access_token=', async () => {
    const ac = new AbortController();
    const token = await t.streamToken('events');
    const res = await fetch(`${t.hub.url}/api/v1/events?access_token=${token}`, { signal: ac.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const read = async (pattern: RegExp) =>
      until(
        async () => {
          const { value } = await reader.read();
          text += new TextDecoder().decode(value);
          return pattern.test(text);
        },
        5000,
        `SSE ${pattern}`,
      );
    await read(/event: ready/);
    t.hub.ctx.events.emit('agent.status', {
      agent_id: 'agent-x',
      site_id: site,
      state: 'online',
      ts: Date.now(),
    });
    await read(/event: agent\.status\ndata: .*"agent-x"/);
    ac.abort();
    const unauth = await fetch(`${t.hub.url}/api/v1/events`);
    assert.equal(unauth.status, 401);
  });
});
