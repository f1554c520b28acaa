import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encode, topics } from '@outpost/protocol';
import type { MqttClient } from 'mqtt';
import pg from 'pg';
import { createEnrollmentToken } from '../hub/src/link/enrollment.js';
import { openStore } from '../hub/src/store/open.js';
import { openDatabase } from '../hub/src/store/sqlite/database.js';
import { type HubProcess, logLines, spawnHubProcess } from './support/hub-process.js';
import { connectAgent, until } from './support/link.js';
import { needPostgres, type RunningPostgres, startPostgres } from './support/postgres.js';

const WINDOW = 20;
const PASSWORD = 'correct-horse-battery-staple-9';

/** The simulated agent's outbox: batches 1..total of `series` series x `perSeries` samples, value = seq. */
interface Load {
  total: number;
  series: number;
  perSeries: number;
}

const T0 = Date.now() - 86_400_000;
const tsOf = (load: Load, seq: number, k: number) => T0 + (seq * load.perSeries + k) * 1000;
const seqOf = (load: Load, t: number) => Math.floor((t - T0) / 1000 / load.perSeries);

function payloads(load: Load): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  for (let seq = 1; seq <= load.total; seq++) {
    const samples = [];
    for (let s = 0; s < load.series; s++) {
      for (let k = 0; k < load.perSeries; k++) {
        samples.push({ metric: 'crash_test', value: seq, ts: tsOf(load, seq, k), labels: { s: String(s) } });
      }
    }
    const r = encode('batch', { v: 1, seq, sent_at: T0, samples, events: [] });
    assert.ok(r.ok);
    out.set(seq, Buffer.from(r.bytes));
  }
  return out;
}

/** A data directory with a site and an enrolled agent; the hub's store is OUTPOST_DATABASE_URL when set. */
async function prepare(dir: string, env: Record<string, string>) {
  const store = await openStore(env.OUTPOST_DATABASE_URL, dir);
  const now = Date.now();
  const siteId = (await store.sites.insert({ name: 'crash' }, now)).id;
  const { token } = await createEnrollmentToken(store, {
    site_id: siteId,
    ttl_ms: 3_600_000,
    created_by: null,
    now,
  });
  await store.close();
  const hub = await spawnHubProcess(dir, { adminPassword: PASSWORD, env, logLevel: 'debug' });
  const res = await fetch(`${hub.url}/api/v1/agents/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, hostname: 'crash-pi', version: '0.1.0' }),
  });
  assert.equal(res.status, 201);
  const agent = (await res.json()) as { agent_id: string; secret: string };
  return { hub, agentId: agent.agent_id, secret: agent.secret };
}

/** An agent that re-sends every unacknowledged batch in seq order, at most WINDOW in flight. */
class Sender {
  upTo = 0;
  constructor(
    readonly agentId: string,
    readonly secret: string,
    readonly batches: Map<number, Buffer>,
  ) {}

  async connect(port: number): Promise<MqttClient> {
    const c = await connectAgent(`mqtt://127.0.0.1:${port}`, this.agentId, this.secret);
    c.on('message', (_topic, payload) => {
      this.upTo = Math.max(this.upTo, (JSON.parse(payload.toString()) as { upTo: number }).upTo);
    });
    c.on('error', () => {});
    await c.subscribeAsync(topics.downFilter(this.agentId), { qos: 1 });
    return c;
  }

  /** Sends until everything is acknowledged, `stop()` is true or the connection drops. */
  async pump(c: MqttClient, stop: () => boolean): Promise<void> {
    let next = this.upTo + 1;
    const total = this.batches.size;
    while (this.upTo < total && !stop() && c.connected) {
      if (next <= total && next - this.upTo <= WINDOW) {
        c.publish(topics.batch(this.agentId), this.batches.get(next) as Buffer, { qos: 1 });
        next++;
      } else await new Promise((r) => setTimeout(r, 2));
    }
  }
}

const exited = (hub: HubProcess) =>
  hub.proc.exitCode !== null ? Promise.resolve() : new Promise((r) => hub.proc.once('exit', r));

/** The first row of a query on the hub's database, numbers as numbers (`?` placeholders on both engines). */
type Raw = (sql: string, ...args: unknown[]) => Promise<Record<string, number>>;

async function withRaw(dir: string, url: string | undefined, fn: (raw: Raw) => Promise<void>): Promise<void> {
  const numbers = (row: Record<string, unknown> | undefined) =>
    Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
  if (!url) {
    const db = openDatabase(join(dir, 'hub.db'));
    try {
      await fn(async (sql, ...args) => numbers(db.prepare(sql).get(...args) as Record<string, unknown>));
    } finally {
      db.close();
    }
    return;
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await fn(async (sql, ...args) => {
      let n = 0;
      return numbers(
        (
          await c.query(
            sql.replace(/\?/g, () => `$${++n}`),
            args,
          )
        ).rows[0],
      );
    });
  } finally {
    await c.end();
  }
}

/** After a clean stop: every acknowledged seq's samples are stored exactly once, all in sealed chunks. */
async function verify(dir: string, url: string | undefined, agentId: string, load: Load): Promise<void> {
  await withRaw(dir, url, async (raw) => {
    const batches = await raw(
      'SELECT count(*) AS n, count(DISTINCT seq) AS d, min(seq) AS lo, max(seq) AS hi FROM agent_batches WHERE agent_id = ?',
      agentId,
    );
    assert.deepEqual(batches, { n: load.total, d: load.total, lo: 1, hi: load.total });
    assert.equal((await raw('SELECT up_to FROM agent_acks WHERE agent_id = ?', agentId)).up_to, load.total);
    assert.equal((await raw('SELECT count(*) AS n FROM ts_head_log')).n, 0, 'a clean stop seals the head');
    const store = await openStore(url, dir);
    try {
      const series = await store.series.listSeries('agent', agentId, 'crash_test');
      assert.equal(series.length, load.series);
      const perSeries = load.total * load.perSeries;
      for (const s of series) {
        const points = await store.series.read(s.id, { from: 0, to: Number.MAX_SAFE_INTEGER });
        assert.equal(points.length, perSeries, `series ${JSON.stringify(s.labels)}`);
        for (const p of points) assert.equal(p.v, seqOf(load, p.t));
        const stored = await raw('SELECT sum(count) AS n FROM ts_chunks WHERE series_id = ?', s.id);
        assert.equal(stored.n, perSeries, 'no sample is stored twice');
      }
    } finally {
      await store.close();
    }
  });
}

/** The engines the hub runs on: SQLite always, PostgreSQL (one throwaway cluster for the file) when installed. */
const ENGINES = [
  { engine: 'sqlite', skip: false as const },
  { engine: 'postgres', skip: needPostgres() },
];

for (const { engine, skip } of ENGINES)
  describe(`hub <-> agent link: crash safety (${engine})`, { skip }, () => {
    let server: RunningPostgres | undefined;
    /** The hub's environment: a database of its own on PostgreSQL. */
    const hubEnv = async (env: Record<string, string>) =>
      server ? { ...env, OUTPOST_DATABASE_URL: await server.createDatabase() } : env;
    before(async () => {
      if (engine === 'postgres') server = await startPostgres();
    });
    after(async () => {
      await server?.stop();
    });
    const dirs: string[] = [];
    const children: ChildProcess[] = [];
    const dataDir = () => {
      const d = mkdtempSync(join(tmpdir(), 'outpost-crash-'));
      dirs.push(d);
      return d;
    };
    after(() => {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    // On PostgreSQL the kills during sealing below cover this case too (mid-stream kills, replay): not run twice.
    if (engine === 'sqlite')
      it('stores every seq exactly once when the hub is killed -9 mid-stream and the agent re-sends', async () => {
        const load: Load = { total: 400, series: 1, perSeries: 25 };
        const dir = dataDir();
        const env = await hubEnv({});
        let { hub, agentId, secret } = await prepare(dir, env);
        children.push(hub.proc);
        const agent = new Sender(agentId, secret, payloads(load));
        let client = await agent.connect(hub.mqttPort);
        const killAt = load.total / 4;
        await agent.pump(client, () => agent.upTo >= killAt);
        hub.proc.kill('SIGKILL'); // mid-stream: batches above upTo are in flight
        await exited(hub);
        client.end(true);
        assert.ok(agent.upTo >= killAt && agent.upTo < load.total);

        hub = await spawnHubProcess(dir, { adminPassword: PASSWORD, env });
        children.push(hub.proc);
        const [rebuilt] = logLines(hub.lines, 'time-series head rebuilt from the head log');
        assert.ok((rebuilt?.samples as number) > 0, 'the head was rebuilt from the head log');
        client = await agent.connect(hub.mqttPort);
        await agent.pump(client, () => false);
        await until(() => agent.upTo === load.total, 20_000, `ack ${load.total}`);
        client.end(true);
        hub.proc.kill('SIGTERM');
        await exited(hub);
        await verify(dir, env.OUTPOST_DATABASE_URL, agentId, load);
      });

    it('stores every seq exactly once when the hub is killed -9 while it seals chunks', async () => {
      // Tiny chunks and one series per seal transaction: sealing runs all the time, in many transactions.
      const env = await hubEnv({
        OUTPOST_TS_CHUNK_MAX_SAMPLES: '3',
        OUTPOST_TS_SEAL_INTERVAL_MS: '20',
        OUTPOST_TS_SEAL_SERIES_PER_TRANSACTION: '1',
      });
      const load: Load = { total: 240, series: 150, perSeries: 1 };
      const dir = dataDir();
      let { hub, agentId, secret } = await prepare(dir, env);
      children.push(hub.proc);
      const agent = new Sender(agentId, secret, payloads(load));
      let midSeal = 0;
      let replayed = 0;
      for (let round = 0; round < 8 && midSeal < 2 && agent.upTo < load.total - 40; round++) {
        const client = await agent.connect(hub.mqttPort);
        // Kill at the first seal pass that starts once this round has delivered a few batches.
        const floor = agent.upTo + 10;
        let killed = false;
        const off = hub.onLine((line) => {
          if (!killed && agent.upTo >= floor && line.includes('"msg":"sealing time-series chunks"')) {
            killed = true;
            hub.proc.kill('SIGKILL');
          }
        });
        await agent.pump(client, () => killed);
        await exited(hub);
        off();
        client.end(true);
        // Killed inside the pass when the pass never logged its end.
        const last = hub.lines.findLastIndex((l) => l.includes('"msg":"sealing time-series chunks"'));
        if (last >= 0 && !hub.lines.slice(last).some((l) => l.includes('"msg":"sealed time-series chunks"')))
          midSeal++;
        hub = await spawnHubProcess(dir, { adminPassword: PASSWORD, env, logLevel: 'debug' });
        children.push(hub.proc);
        replayed +=
          (logLines(hub.lines, 'time-series head rebuilt from the head log')[0]?.samples as number) ?? 0;
      }
      assert.ok(midSeal >= 1, 'at least one kill landed inside a seal pass');
      assert.ok(replayed > 0, 'restarts rebuilt the head from the head log');
      const client = await agent.connect(hub.mqttPort);
      await agent.pump(client, () => false);
      await until(() => agent.upTo === load.total, 30_000, `ack ${load.total}`);
      client.end(true);
      hub.proc.kill('SIGTERM');
      await exited(hub);
      await verify(dir, env.OUTPOST_DATABASE_URL, agentId, load);
    });
  });
