import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encode, topics } from '@outpost/protocol';
import type { MqttClient } from 'mqtt';
import type { HubStore } from '../hub/src/store/port.js';
import { openSqliteStore } from '../hub/src/store/sqlite/index.js';
import { tsdbEndpoints, withTsdb } from '../hub/src/store/tsdb/index.js';
import { PromQueryClient } from '../hub/src/store/tsdb/query.js';
import { connectAgent, startTestHub, type TestHub, until } from './support/link.js';
import { needPeers } from './support/peers.js';
import { startPrometheus, startVictoriaMetrics, type Tsdb } from './support/tsdb.js';

function batch(seq: number, samples: unknown[]): Buffer {
  const r = encode('batch', { v: 1, seq, sent_at: Date.now(), samples, events: [] } as never);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return Buffer.from(r.bytes);
}

/**
 * An agent as the forwarder behaves: batches stay until acknowledged and are sent again every
 * `resendMs` while they are not (the real agent does the same after a reconnect or its ack timeout).
 */
class SimAgent {
  upTo = 0;
  #pending = new Map<number, Buffer>();
  #timer: NodeJS.Timeout;
  constructor(
    private readonly client: MqttClient,
    private readonly agentId: string,
    resendMs: number,
  ) {
    client.on('message', (topic, payload) => {
      if (!topic.endsWith('/down/ack')) return;
      const upTo = JSON.parse(payload.toString()).upTo as number;
      this.upTo = Math.max(this.upTo, upTo);
      for (const seq of this.#pending.keys()) if (seq <= upTo) this.#pending.delete(seq);
    });
    this.#timer = setInterval(() => {
      for (const [seq, bytes] of this.#pending)
        if (seq > this.upTo)
          this.client.publishAsync(topics.batch(this.agentId), bytes, { qos: 1 }).catch(() => {});
    }, resendMs);
  }
  static async connect(t: TestHub, siteId: number, resendMs = 500): Promise<{ agent: SimAgent; id: string }> {
    const e = await t.enroll(siteId);
    const client = await connectAgent(t.mqttUrl, e.agent_id, e.secret);
    await client.subscribeAsync(topics.downFilter(e.agent_id), { qos: 1 });
    return { agent: new SimAgent(client, e.agent_id, resendMs), id: e.agent_id };
  }
  async send(seq: number, samples: unknown[]): Promise<void> {
    const bytes = batch(seq, samples);
    this.#pending.set(seq, bytes);
    await this.client.publishAsync(topics.batch(this.agentId), bytes, { qos: 1 });
  }
  get pending(): number {
    return this.#pending.size;
  }
  close(): void {
    clearInterval(this.#timer);
    this.client.end(true);
  }
}

let polls = 0;
/**
 * Waits until `count` samples of `selector` can be found. VictoriaMetrics makes accepted samples searchable
 * within about a second, and a series that a query missed just before it was created only after about 10 s
 * (1.79): each poll uses a matcher of its own, so that the queries under test are never such a query.
 */
async function searchable(db: Tsdb, selector: string, count: number): Promise<void> {
  const q = new PromQueryClient({ url: new URL(`${db.url}/`), timeoutMs: 5000 });
  const found = async () => {
    const sel = selector.replace('{', `{poll!="${++polls}",`);
    const r = await q.queryVector(`sum(count_over_time(${sel}[1h]))`, Date.now());
    return Number(r[0]?.value[1] ?? 0) >= count;
  };
  await until(found, 10_000, `${count} samples of ${selector}`, 100);
}

/** Samples written through the hub read back through the metrics API, and under the documented names. */
async function roundTrip(db: Tsdb, t: TestHub): Promise<void> {
  const site = await t.site(`${db.kind}-site`);
  const device = await t.device(site, 'core-sw', '192.0.2.10');
  const camera = await t.camera(site, 'door');
  const { agent, id: agentId } = await SimAgent.connect(t, site);
  try {
    const t0 = Math.floor((Date.now() - 300_000) / 60_000) * 60_000;
    const samples = (n: number) =>
      Array.from({ length: 6 }, (_, i) => [
        {
          device_id: device,
          metric: 'cpu_load',
          unit: 'percent',
          value: n * 10 + i,
          ts: t0 + (n * 6 + i) * 10_000,
        },
        {
          device_id: device,
          metric: 'if_in_bps',
          unit: 'bps',
          labels: { if_name: 'Gi0/1' },
          value: 1000 * (n * 6 + i),
          ts: t0 + (n * 6 + i) * 10_000,
        },
        {
          camera_id: camera,
          metric: 'stream_fps',
          unit: 'fps',
          value: 25 - i,
          ts: t0 + (n * 6 + i) * 10_000,
        },
        { metric: 'outbox_bytes', unit: 'bytes', value: 4096 + i, ts: t0 + (n * 6 + i) * 10_000 },
      ]).flat();
    await agent.send(1, samples(0));
    await agent.send(2, samples(1));
    await until(() => agent.upTo === 2, 15_000, 'the ack of batch 2');

    await searchable(db, `{site="${site}"}`, 4 * 12);
    const list = await t.api('GET', `/api/v1/devices/${device}/metrics`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    assert.deepEqual(list.body.metrics, [
      { name: 'cpu_load', unit: 'percent', labels: {} },
      { name: 'if_in_bps', unit: 'bps', labels: { if_name: 'Gi0/1' } },
    ]);
    const from = t0;
    const to = t0 + 12 * 10_000;
    const raw = await t.api(
      'GET',
      `/api/v1/devices/${device}/metrics?name=cpu_load&from=${from / 1000}&to=${to / 1000}`,
    );
    assert.equal(raw.status, 200, JSON.stringify(raw.body));
    assert.equal(raw.body.unit, 'percent');
    const want = [...samples(0), ...samples(1)].filter((s) => s.metric === 'cpu_load');
    assert.deepEqual(
      raw.body.points,
      want.map((s) => ({ t: s.ts, v: s.value })),
    );
    // One-minute steps: the averages of each minute's six samples, stamped with the minute's start.
    const stepped = await t.api(
      'GET',
      `/api/v1/devices/${device}/metrics?name=if_in_bps&labels=if_name=Gi0/1&step=1m&from=${from / 1000}&to=${(to - 1) / 1000}`,
    );
    assert.equal(stepped.status, 200, JSON.stringify(stepped.body));
    assert.deepEqual(stepped.body.series[0].points, [
      { t: t0, v: 2500 },
      { t: t0 + 60_000, v: 8500 },
    ]);
    // Up to now, as a chart asks: the step under way averages its own samples so far (VictoriaMetrics answers an
    // evaluation after now with the one before it) and no step comes after now.
    const now = Date.now();
    const recent = [35, 25, 15, 5].map((ago, i) => ({ ts: now - ago * 1000, value: 100 * (i + 1) }));
    await agent.send(
      3,
      recent.map((r) => ({
        device_id: device,
        metric: 'if_in_bps',
        unit: 'bps',
        labels: { if_name: 'Gi0/1' },
        ...r,
      })),
    );
    await until(() => agent.upTo === 3, 15_000, 'the ack of batch 3');
    await searchable(db, `{site="${site}",if_name="Gi0/1"}`, 12 + recent.length);
    const upToNow = await t.api(
      'GET',
      `/api/v1/devices/${device}/metrics?name=if_in_bps&labels=if_name=Gi0/1&step=20&from=${Math.floor((now - 40_000) / 1000)}`,
    );
    assert.equal(upToNow.status, 200, JSON.stringify(upToNow.body));
    const steps = new Map<number, number[]>();
    for (const r of recent) {
      const k = Math.floor(r.ts / 20_000) * 20_000;
      steps.set(k, [...(steps.get(k) ?? []), r.value]);
    }
    assert.deepEqual(
      upToNow.body.series[0].points,
      [...steps].map(([k, vs]) => ({ t: k, v: vs.reduce((a, b) => a + b, 0) / vs.length })),
    );
    const cam = await t.api(
      'GET',
      `/api/v1/cameras/${camera}/metrics?name=stream_fps&from=${from / 1000}&to=${to / 1000}`,
    );
    assert.equal(cam.status, 200, JSON.stringify(cam.body));
    assert.equal(cam.body.points.length, 12);
    const agentSeries = await t.hub.ctx.store.series.listSeries('agent', agentId);
    assert.deepEqual(
      agentSeries.map((s) => [s.metric, s.unit]),
      [['outbox_bytes', 'bytes']],
    );

    // The names users query in Grafana (docs/tsdb.md).
    const q = new PromQueryClient({ url: new URL(`${db.url}/`), timeoutMs: 5000 });
    const byName = await q.queryVector(
      `count_over_time(outpost_device_if_in_bps{site="${site}",device="${device}",if_name="Gi0/1"}[1h])`,
      Date.now(),
    );
    assert.deepEqual(
      byName.map((r) => r.value[1]),
      ['16'],
    );
    const names = await q.series(`{site="${site}"}`, t0 - 60_000, Date.now());
    assert.deepEqual([...new Set(names.map((l) => l.__name__))].sort(), [
      'outpost_agent_outbox_bytes',
      'outpost_camera_stream_fps',
      'outpost_device_cpu_load_percent',
      'outpost_device_if_in_bps',
    ]);

    // A deleted camera's series go with it (Prometheus lists them until its next compaction).
    const del = await t.api('DELETE', `/api/v1/cameras/${camera}`);
    assert.equal(del.status, 204, JSON.stringify(del.body));
    if (db.kind === 'victoria-metrics')
      assert.deepEqual(await q.series(`{camera="${camera}"}`, t0 - 60_000, Date.now()), []);
    else {
      const [left] = await q.queryVector(
        `count_over_time(outpost_camera_stream_fps{camera="${camera}"}[1h])`,
        Date.now(),
      );
      assert.equal(left, undefined, 'no samples left');
    }
  } finally {
    agent.close();
  }
}

/**
 * The TSDB accepted a write but the ledger's commit failed: the batch comes again and its samples are written
 * a second time with the same timestamps and values, which the TSDB keeps once.
 */
async function rewrite(db: Tsdb): Promise<void> {
  const endpoints = tsdbEndpoints({ tsdbUrl: db.url });
  assert.ok(endpoints);
  const inner = openSqliteStore(':memory:');
  const opts = { endpoints, timeoutMs: 5000, clock: Date.now };
  // The same store, whose commits fail after the unit's work (the TSDB write included) was done.
  const failing = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'unit')
        return (fn: Parameters<HubStore['unit']>[0]) =>
          target.unit(async (tx) => {
            await fn(tx);
            throw new Error('disk I/O error at commit');
          });
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const t0 = Date.now() - 120_000;
  const target = `rewrite-${db.kind}`;
  const store = async (s: HubStore) =>
    s.unit(async (tx) => {
      await tx.ledger.record(target, {
        seq: 1,
        received_at: t0,
        samples: 10,
        events: 0,
        upTo: 1,
        lost: [],
        filled: [],
      });
      for (let i = 0; i < 10; i++)
        tx.samples.add(
          tx.samples.seriesOf('agent', target, 'queue_depth', undefined, undefined, 1),
          t0 + i * 1000,
          i,
        );
    });
  try {
    await assert.rejects(store(withTsdb(failing, opts)), /disk I\/O error at commit/);
    assert.equal(
      (await inner.ledger.observe(target, 1)).stored,
      false,
      'the ledger did not record the batch',
    );
    await store(withTsdb(inner, opts));
    assert.equal((await inner.ledger.observe(target, 1)).stored, true);
    const q = new PromQueryClient({ url: new URL(`${db.url}/`), timeoutMs: 5000 });
    await searchable(db, `{agent="${target}"}`, 10);
    const [counted] = await q.queryVector(
      `count_over_time(outpost_agent_queue_depth{agent="${target}"}[1h])`,
      Date.now(),
    );
    assert.equal(counted?.value[1], '10', 'each sample once, though written twice');
  } finally {
    await inner.close();
  }
}

describe('time series in VictoriaMetrics', { skip: needPeers('victoria-metrics') }, () => {
  let db: Tsdb;
  let t: TestHub;
  before(async () => {
    db = await startVictoriaMetrics();
    t = await startTestHub({ tsdbUrl: db.url, tsdbTimeoutMs: 2000 });
  });
  after(async () => {
    await t?.close();
    await db?.close();
  });

  it('reads back through the metrics API what agents sent through the hub', () => roundTrip(db, t));

  it('keeps once the samples of a batch written again after its commit failed', () => rewrite(db));

  it('stops acknowledging while VictoriaMetrics is down, then stores every sample once', async () => {
    const site = await t.site('outage');
    const device = await t.device(site, 'edge', '192.0.2.30');
    const { agent } = await SimAgent.connect(t, site, 300);
    // Two seconds of sample time per batch, from 50 min ago: every sample stays in the past (and in the queries' 2 h
    // window) however many batches the outage holds back.
    const t0 = Date.now() - 3_000_000;
    let sent = 0;
    let seq = 0;
    const sendOne = async () => {
      seq++;
      const samples = Array.from({ length: 20 }, (_, i) => ({
        device_id: device,
        metric: 'temp',
        unit: 'celsius',
        value: seq,
        ts: t0 + (seq * 20 + i) * 100,
      }));
      sent += samples.length;
      await agent.send(seq, samples);
    };
    const sending = setInterval(() => void sendOne().catch(() => {}), 50);
    try {
      await until(() => agent.upTo >= 10, 15_000, 'batches acknowledged before the outage');
      // 30 s down, as an operator's restart or upgrade of the TSDB might take: many batches refused and re-sent
      // (the hub stops retrying for 1 s after each failure) while the agent's backlog grows.
      // A clean stop: VictoriaMetrics acknowledges writes it holds in memory for about a second, which a
      // SIGKILL would lose on its side (docs/tsdb.md).
      await db.stop();
      await new Promise((r) => setTimeout(r, 1000));
      const ackedEarly = agent.upTo;
      await new Promise((r) => setTimeout(r, 29_000));
      assert.equal(agent.upTo, ackedEarly, 'nothing acknowledged while the TSDB is down');
      assert.ok(agent.pending > 20, `the agent keeps its batches (${agent.pending})`);
      const health = await t.api('GET', '/api/v1/health');
      assert.equal(health.status, 503);
      assert.equal(health.body.checks.tsdb.ok, false, JSON.stringify(health.body.checks.tsdb));
      await db.start();
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      clearInterval(sending);
    }
    await until(() => agent.pending === 0, 60_000, 'every batch acknowledged after the outage');
    const health = await t.api('GET', '/api/v1/health');
    assert.equal(health.body.checks.tsdb.ok, true, JSON.stringify(health.body.checks.tsdb));
    agent.close();
    const q = new PromQueryClient({ url: new URL(`${db.url}/`), timeoutMs: 5000 });
    await searchable(db, `{device="${device}"}`, sent).catch(() => {});
    const [r] = await q.queryVector(
      `count_over_time(outpost_device_temp_celsius{device="${device}"}[2h])`,
      Date.now(),
    );
    assert.equal(Number(r?.value[1]), sent, 'every sample is there, once');
    const [sum] = await q.queryVector(
      `sum_over_time(outpost_device_temp_celsius{device="${device}"}[2h])`,
      Date.now(),
    );
    assert.equal(Number(sum?.value[1]), (20 * seq * (seq + 1)) / 2);
  });
});

describe('time series in Prometheus (remote-write receiver)', { skip: needPeers('prometheus') }, () => {
  let db: Tsdb;
  let t: TestHub;
  before(async () => {
    db = await startPrometheus();
    t = await startTestHub({ tsdbUrl: db.url, tsdbTimeoutMs: 2000 });
  });
  after(async () => {
    await t?.close();
    await db?.close();
  });

  it('reads back through the metrics API what agents sent through the hub', () => roundTrip(db, t));

  it('keeps once the samples of a batch written again after its commit failed', () => rewrite(db));
});
