import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { migrate, openDatabase } from '../database.js';
import { SqliteTimeSeries } from '../timeseries/engine.js';
import { MIGRATIONS } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'outpost-m006-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const B = 300_000;
const ALL = { from: 0, to: Number.MAX_SAFE_INTEGER };

describe('migration 006: samples and rollups into chunks', () => {
  it('moves every sample and every pruned rollup of a database written row per sample, losing nothing', async () => {
    const file = join(dir, 'old.db');
    // The schema as the hub had it before chunks, filled as its row-per-sample writer and retention left it.
    const db = openDatabase(
      file,
      MIGRATIONS.filter((m) => m.version < 6),
    );
    const series = db.prepare(
      'INSERT INTO series (id, target_kind, target_id, metric, unit, labels) VALUES (?, ?, ?, ?, ?, ?)',
    );
    series.run(1, 'device', '7', 'cpu_load', 'percent', '{}');
    series.run(2, 'device', '7', 'if_in_bps', 'bps', '{"if_name":"Gi0/1"}');
    series.run(3, 'camera', '2', 'stream_fps', 'fps', '{}');
    series.run(4, 'agent', 'agent-x', 'outbox_rows', null, '{}');
    const sample = db.prepare('INSERT INTO samples (series_id, ts, value) VALUES (?, ?, ?)');
    const rollup = db.prepare(
      'INSERT INTO rollups (series_id, bucket_ts, count, sum, min, max) VALUES (?, ?, ?, ?, ?, ?)',
    );
    // 1: 1,000 samples a minute apart (more than a chunk holds), values with decimals.
    for (let i = 0; i < 1000; i++) sample.run(1, T0 + i * MIN, Math.round(i * 7.3) / 10);
    // 2: a day pruned to rollups, then raw samples (some of its buckets rolled up too, as retention does).
    for (let b = 0; b < 288; b++) rollup.run(2, T0 + b * B, 5, b * 50, b * 9, b * 11);
    for (let i = 0; i < 300; i++) {
      const ts = T0 + 288 * B + i * MIN;
      sample.run(2, ts, (i * 1e6) / 7);
      if (i % 5 === 0) rollup.run(2, Math.floor(ts / B) * B, 5, i, 0, i);
    }
    // 3: raw samples at irregular times; 4: a series without samples.
    for (const [t, v] of [
      [T0 + 17, 25],
      [T0 + 1000, 24.5],
      [T0 + 86_400_000, 0],
    ] as const)
      sample.run(3, t, v);
    db.prepare('INSERT INTO rollup_dirty (series_id, bucket_ts) VALUES (2, ?)').run(T0);
    db.prepare("INSERT INTO hub_state (key, value) VALUES ('rollup_done_until', ?)").run(
      String(T0 + 288 * B),
    );
    const before = db.prepare('SELECT series_id, ts, value FROM samples ORDER BY series_id, ts').all() as {
      series_id: number;
      ts: number;
      value: number;
    }[];
    db.close();

    const again = openDatabase(file);
    try {
      const tables = (
        again.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
      ).sort();
      for (const gone of ['samples', 'rollups', 'rollup_dirty'])
        assert.ok(!tables.includes(gone), `${gone} dropped`);
      assert.equal(
        again.prepare("SELECT count(*) FROM hub_state WHERE key = 'rollup_done_until'").pluck().get(),
        0,
      );
      assert.equal(migrate(again, MIGRATIONS), 0, 'nothing left to apply');
      const ts = new SqliteTimeSeries(again);
      // Every raw sample, exactly as it was.
      for (const id of [1, 2, 3]) {
        const want = before.filter((r) => r.series_id === id).map((r) => ({ t: r.ts, v: r.value }));
        const raw = (await ts.read(id, ALL)).filter((p) => want.some((w) => w.t === p.t));
        assert.deepEqual(raw, want, `series ${id}`);
      }
      // Series 1 in chunks of at most 480 samples and 2 hours, not overlapping.
      const chunks = again
        .prepare('SELECT start_ts, end_ts, count FROM ts_chunks WHERE series_id = 1 ORDER BY start_ts')
        .all() as { start_ts: number; end_ts: number; count: number }[];
      assert.equal(
        chunks.reduce((n, c) => n + c.count, 0),
        1000,
      );
      chunks.forEach((c, i) => {
        assert.ok(c.count <= 480 && c.end_ts - c.start_ts < 2 * 3_600_000);
        if (i > 0) assert.ok(c.start_ts > (chunks[i - 1] as { end_ts: number }).end_ts);
      });
      // Series 2's pruned day comes back as its rollup buckets (averages), before its raw samples.
      const hourly = await ts.read(2, { from: T0, to: T0 + 86_400_000 - 1, stepMs: 3_600_000 });
      assert.equal(hourly.length, 24);
      assert.deepEqual(hourly[0], {
        t: T0,
        v: (0 + 50 + 100 + 150 + 200 + 250 + 300 + 350 + 400 + 450 + 500 + 550) / 60,
      });
      const rollupOnly = again
        .prepare('SELECT count(*) FROM ts_chunks WHERE series_id = 2 AND data IS NULL')
        .pluck()
        .get() as number;
      assert.ok(rollupOnly >= 1);
      assert.deepEqual(
        (await ts.listSeries('agent', 'agent-x')).map((s) => s.metric),
        ['outbox_rows'],
      );
      assert.deepEqual(await ts.read(4, ALL), []);
    } finally {
      again.close();
    }
  });
});
