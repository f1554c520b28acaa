import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { type HubProcess, logLines, spawnHubProcess } from './support/hub-process.js';
import { needPeers } from './support/peers.js';
import { needPostgres, type RunningPostgres, startPostgres } from './support/postgres.js';
import { startVictoriaMetrics, type Tsdb } from './support/tsdb.js';

/**
 * Several `outpost-hub serve` processes on one PostgreSQL database and its built-in time-series store: one
 * writer at a time (the head lives in its memory), enforced at start with the database's time-series lock;
 * hubs with tsdbUrl share it, and keep a hub without tsdbUrl out.
 */
const PASSWORD = 'correct-horse-battery-staple-9';

describe('several hubs on one PostgreSQL database: the built-in time-series store has one writer', () => {
  const skip = needPostgres() || needPeers('victoria-metrics');
  let db: RunningPostgres | undefined;
  let vm: Tsdb | undefined;
  let sql: pg.Client | undefined;
  const hubs: HubProcess[] = [];
  const dirs: string[] = [];
  let env: Record<string, string> = {};

  before(async () => {
    if (skip) return;
    [db, vm] = await Promise.all([startPostgres(), startVictoriaMetrics()]);
    const url = await db.createDatabase('hubs_ts');
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
    env = { OUTPOST_DATABASE_URL: url, OUTPOST_SECRET_KEY: randomBytes(32).toString('hex') };
  });
  after(async () => {
    await sql?.end().catch(() => {});
    for (const h of hubs) h.proc.kill('SIGKILL');
    await vm?.close();
    await db?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  const startHub = async (tsdb: boolean) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-ts-hub-'));
    dirs.push(dir);
    const h = await spawnHubProcess(dir, {
      adminPassword: PASSWORD,
      env: { ...env, ...(tsdb && vm ? { OUTPOST_TSDB_URL: vm.url } : {}) },
      timeoutMs: 60_000,
    });
    hubs.push(h);
    return h;
  };
  const exited = (h: HubProcess) =>
    new Promise<void>((r) => (h.proc.exitCode !== null ? r() : h.proc.once('exit', () => r())));
  /** Every table's row count: what a refused hub must leave as it found it. */
  const fingerprint = async () => {
    const c = sql as pg.Client;
    const tables = (
      await c.query<{ t: string }>(
        "SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
      )
    ).rows.map((r) => r.t);
    const r = await c.query(
      `SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ')}`,
    );
    return r.rows[0] as Record<string, number>;
  };
  /** The processes holding the time-series lock, by application_name and mode. */
  const holders = async () =>
    (
      await (sql as pg.Client).query<{ app: string; mode: string }>(
        `SELECT a.application_name AS app, l.mode FROM pg_locks l JOIN pg_stat_activity a USING (pid)
         WHERE l.locktype = 'advisory' AND l.granted AND l.objid = 2 AND l.objsubid = 2 ORDER BY app`,
      )
    ).rows.map((r) => `${r.mode} ${r.app.replace(/ [^ ]+:(\d+)$/, ' :$1')}`);

  it('refuses a second writer and a TSDB hub beside a writer, unchanged; takes a writer back after kill -9; lets TSDB hubs in and keeps a writer out', {
    skip,
    timeout: 120_000,
  }, async () => {
    const first = await startHub(false);
    assert.deepEqual(await holders(), [`ExclusiveLock outpost-hub ts writer :${first.proc.pid}`]);
    const before = await fingerprint();
    // Both at once: each waits out the lock's few seconds, then stops before it listens or writes anything.
    const [second, withTsdb] = await Promise.allSettled([startHub(false), startHub(true)]);
    assert.equal(second.status, 'rejected');
    assert.match(
      String(second.reason),
      new RegExp(
        `hub exited with 1: outpost-hub: another hub writes time series to this database's built-in store \\(held by backend pid \\d+ "outpost-hub ts writer [^"]+:${first.proc.pid}"[^)]*\\); several hubs on one database need tsdbUrl \\(docs/tsdb\\.md\\), or stop the other hub\\n$`,
      ),
    );
    assert.equal(withTsdb.status, 'rejected');
    assert.match(
      String(withTsdb.reason),
      /hub exited with 1: outpost-hub: a hub without tsdbUrl writes time series to this database's built-in store \(held by backend pid \d+ .*\); every hub on one database needs the same tsdbUrl/,
    );
    assert.deepEqual(await fingerprint(), before, 'the refused hubs wrote nothing');
    const health = await fetch(`${first.url}/api/v1/health`);
    assert.equal(health.status, 200, 'the first hub keeps serving');
    assert.deepEqual(await holders(), [`ExclusiveLock outpost-hub ts writer :${first.proc.pid}`]);

    // The writer dies without a word: its session ends with it, and a new writer starts at once.
    first.proc.kill('SIGKILL');
    await exited(first);
    const again = await startHub(false);
    assert.equal(logLines(again.lines, 'time-series head rebuilt from the head log').length, 1);
    assert.deepEqual(await holders(), [`ExclusiveLock outpost-hub ts writer :${again.proc.pid}`]);
    // A writer whose lock session ends under it (a database restart, pg_terminate_backend) may have been
    // replaced by then: it stops, with code 1, for its service manager to start it again.
    let stderr = '';
    again.proc.stderr?.on('data', (d) => {
      stderr += d;
    });
    await (sql as pg.Client).query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'outpost-hub ts writer %'",
    );
    await exited(again);
    assert.equal(again.proc.exitCode, 1);
    assert.match(
      stderr,
      /outpost-hub: lost the time-series lock of this database \(the built-in store\): .*; stopping/,
    );

    // A hub with tsdbUrl holds the lock shared (any number do: cluster-e2e runs two) and keeps a writer out.
    const tsdbHub = await startHub(true);
    assert.deepEqual(await holders(), [`ShareLock outpost-hub tsdb hub :${tsdbHub.proc.pid}`]);
    await assert.rejects(
      startHub(false),
      /hub exited with 1: outpost-hub: hubs that keep time series in a TSDB \(tsdbUrl\) run on this database \(held by backend pid \d+ "outpost-hub tsdb hub [^"]+:\d+"[^)]*\); give this hub the same tsdbUrl/,
    );
  });
});
