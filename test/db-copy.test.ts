import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encode, topics } from '@outpost/protocol';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openPostgresStore } from '../hub/src/store/postgres/index.js';
import { spawnHubProcess } from './support/hub-process.js';
import { connectAgent, startTestHub, until } from './support/link.js';
import { freePort } from './support/mosquitto.js';
import { needPostgres, type RunningPostgres, startPostgres } from './support/postgres.js';

const BIN = fileURLToPath(new URL('../hub/bin/outpost-hub.js', import.meta.url));
const skip = needPostgres();

/** Runs `outpost-hub db copy ...` as a user would; resolves with its exit code and output. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function bytes(kind: 'batch' | 'status', message: unknown): Buffer {
  const r = encode(kind, message as never);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return Buffer.from(r.bytes);
}

describe('outpost-hub db copy: SQLite to PostgreSQL', { skip }, () => {
  let server: RunningPostgres;
  let dir: string;
  let file: string;
  before(async () => {
    server = await startPostgres();
    // An installation with data made the way a hub makes it: API and store calls, an agent's batches over MQTT.
    const t = await startTestHub();
    dir = t.dir;
    file = join(dir, 'hub.db');
    const site = await t.site('shop-1');
    const child = await t.device(site, 'access-sw', '192.0.2.11');
    const parent = await t.device(site, 'core-sw', '192.0.2.10');
    // The child comes first by id: the copy must not trip over a parent that arrives after it.
    await t.hub.ctx.store.devices.update(child, { parent_id: parent }, Date.now());
    await t.camera(site);
    const r = await t.api('POST', '/api/v1/users', {
      username: 'ops',
      role: 'operator',
      password: 'a-long-operator-pass-1',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const e = await t.enroll(site);
    const agent = await connectAgent(t.mqttUrl, e.agent_id, e.secret);
    const acks: number[] = [];
    agent.on('message', (topic, payload) => {
      if (topic.endsWith('/down/ack')) acks.push(JSON.parse(payload.toString()).upTo);
    });
    await agent.subscribeAsync(topics.downFilter(e.agent_id), { qos: 1 });
    const t0 = Date.now() - 600_000;
    for (let seq = 1; seq <= 5; seq++) {
      const samples = [child, parent].flatMap((d) =>
        Array.from({ length: 20 }, (_, i) => ({
          device_id: d,
          metric: 'cpu_load',
          value: seq * 100 + i / 3,
          ts: t0 + (seq * 20 + i) * 1000,
        })),
      );
      await agent.publishAsync(
        topics.batch(e.agent_id),
        bytes('batch', {
          v: 1,
          seq,
          sent_at: Date.now(),
          samples,
          events: [
            { type: 'device_state', ts: t0 + seq, device_id: child, status: 'online', sys: { name: 'acc' } },
          ],
        }),
        { qos: 1 },
      );
    }
    await until(() => acks.includes(5), 10_000, 'the ack of batch 5');
    agent.end(true);
    // Sealed chunks as well as the head log: both kinds of time-series rows move.
    await t.hub.ctx.store.timeseries.seal({ all: true });
    await t.hub.close();
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('moves every table, verified; a store on PostgreSQL then reads the data and makes new rows after it', async () => {
    const url = await server.createDatabase('copy_target');
    const r = await cli(['db', 'copy', '--from', file, '--to', url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /copied .* tables, \d+ rows, checksum [0-9a-f]{64}, verified/);
    assert.ok(!r.stdout.includes(server.password), 'the password is never printed');

    const source = new Database(file, { readonly: true });
    const count = (table: string) => source.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      for (const table of [
        'users',
        'devices',
        'agents',
        'agent_batches',
        'agent_acks',
        'series',
        'ts_chunks',
        'ts_head_log',
        'audit_log',
      ]) {
        const n = Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
        assert.equal(n, count(table), `${table} rows`);
      }
      assert.ok(
        count('ts_chunks') > 0 && count('agent_batches') === 5,
        'the source had sealed chunks and batches',
      );
      const chunk = source
        .prepare('SELECT id, data FROM ts_chunks WHERE data IS NOT NULL ORDER BY id LIMIT 1')
        .get() as { id: number; data: Buffer };
      const copied = (await c.query('SELECT data FROM ts_chunks WHERE id = $1', [chunk.id])).rows[0]
        .data as Buffer;
      assert.ok(copied.equals(chunk.data), 'a compressed chunk arrives byte for byte');
    } finally {
      await c.end();
      source.close();
    }

    const store = await openPostgresStore(url);
    try {
      assert.equal((await store.users.byName('OPS'))?.role, 'operator');
      const devices = await store.devices.list({}, 'name', 'asc', 1, 50);
      assert.deepEqual(
        devices.rows.map((d) => [d.name, d.sys_name]),
        [
          ['access-sw', 'acc'],
          ['core-sw', null],
        ],
      );
      const [child, parent] = devices.rows;
      assert.equal(child?.parent_id, parent?.id);
      const before = (await store.sites.list()).map((s) => s.id);
      const added = await store.sites.insert({ name: 'shop-2' }, Date.now());
      assert.ok(added.id > Math.max(...before), 'identity sequences continue after the copied ids');
      // The samples moved with their chunks: the PostgreSQL engine reads them back, every one, in order.
      const [cpu] = await store.series.listSeries('device', String(child?.id), 'cpu_load');
      assert.ok(cpu, 'the series moved');
      const points = await store.series.read(cpu.id, { from: 0, to: Date.now() });
      assert.equal(points.length, 100);
      points.forEach((p, k) => {
        assert.equal(p.t - (points[0]?.t ?? 0), k * 1000);
        assert.equal(p.v, (Math.floor(k / 20) + 1) * 100 + (k % 20) / 3);
      });
    } finally {
      await store.close();
    }
  });

  it('recognises a finished copy when run again, and refuses a target with other data, untouched', async () => {
    const url = await server.createDatabase('copy_again');
    assert.equal((await cli(['db', 'copy', '--from', file, '--to', url, '--quiet'])).code, 0);
    const again = await cli(['db', 'copy', '--from', file, '--to', url]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already holds exactly the data .* \(nothing written\)/);

    const store = await openPostgresStore(url);
    await store.sites.insert({ name: 'made-after-the-copy' }, Date.now());
    const sites = (await store.sites.list()).length;
    const refused = await cli(['db', 'copy', '--from', file, '--to', url]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^outpost-hub: the target database is not empty and differs from the source \(sites: 2 rows there, 1 here\)/,
    );
    assert.equal((await store.sites.list()).length, sites, 'the refused copy changed nothing');
    await store.close();
  });

  it('says in one line why a target cannot be reached, without its password; a missing source is named', async () => {
    const port = await freePort();
    const r = await cli([
      'db',
      'copy',
      '--from',
      file,
      '--to',
      `postgres://outpost:s3cret-pw@127.0.0.1:${port}/nowhere`,
    ]);
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0] as string,
      /^outpost-hub: --to postgres:\/\/outpost:<secret>@127\.0\.0\.1:\d+\/nowhere: .*ECONNREFUSED/,
    );
    assert.ok(!r.stderr.includes('s3cret-pw'));

    const missing = await cli(['db', 'copy', '--from', join(dir, 'nope.db'), '--to', server.url('postgres')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--from: no SQLite database at/);
  });

  it('--database-url postgres:// runs the user commands and serve on PostgreSQL; a bad login is one line', async () => {
    const url = await server.createDatabase('cli_users');
    const added = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [BIN, 'user', 'add', 'dana', '--role', 'operator', '--data', dir, '--database-url', url],
        {
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code) => resolve({ code, out }));
      child.stdin.end('Night-shift-operator-5\n');
    });
    assert.equal(added.code, 0, added.out);
    const store = await openPostgresStore(url);
    assert.equal((await store.users.byName('dana'))?.role, 'operator', 'the user is in PostgreSQL');
    await store.close();

    // serve runs on PostgreSQL: the user added by the CLI logs in through the API.
    const hub = await spawnHubProcess(dir, { env: { OUTPOST_DATABASE_URL: url } });
    try {
      const login = await fetch(`${hub.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'dana', password: 'Night-shift-operator-5' }),
      });
      assert.equal(login.status, 200);
      assert.ok(!hub.lines.join('\n').includes(server.password), 'the password is never logged');
    } finally {
      hub.proc.kill('SIGTERM');
      await new Promise((r) => (hub.proc.exitCode !== null ? r(undefined) : hub.proc.once('exit', r)));
    }

    const wrong = await cli([
      'user',
      'list',
      '--data',
      dir,
      '--database-url',
      url.replace(server.password, 'not-it'),
    ]);
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr.trim().split('\n').length, 1, wrong.stderr);
    assert.match(wrong.stderr, /password authentication failed/);
  });
});
