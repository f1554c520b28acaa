import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '../store/db.js';
import { SeriesStore } from '../store/sample-writer.js';
import { DEFAULT_RETENTION, rolledUpBefore, runRetention } from './retention.js';

const DAY = 86_400_000;
const B = 300_000;

describe('sample retention and rollups', () => {
  it('rolls up complete buckets, deletes raw after rawDays and rollups after rollupDays', async () => {
    const db = openDatabase(':memory:');
    const series = new SeriesStore(db);
    const now = 200 * DAY;
    const rows = [
      { ts: now - 100 * DAY, value: 1 }, // past rollup retention
      { ts: now - 10 * DAY, value: 2 },
      { ts: now - 10 * DAY + 1000, value: 4 },
      { ts: now - 60_000, value: 9 }, // too recent to roll up
    ].map((r) => ({ target_kind: 'agent' as const, target_id: 'a1', metric: 'm', ...r }));
    db.transaction(() => series.insertSamples(rows, 0, B))();
    const r = await runRetention(db, now, { ...DEFAULT_RETENTION, rawDays: 7, rollupDays: 90 });
    assert.equal(rolledUpBefore(db), r.rolledUpTo);
    assert.ok(r.rolledUpTo <= now - DEFAULT_RETENTION.latenessMs);
    const rollups = db
      .prepare('SELECT bucket_ts, count, sum, min, max FROM rollups ORDER BY bucket_ts')
      .all();
    assert.deepEqual(rollups, [
      { bucket_ts: Math.floor((now - 10 * DAY) / B) * B, count: 2, sum: 6, min: 2, max: 4 },
    ]);
    assert.deepEqual(db.prepare('SELECT value FROM samples ORDER BY ts').pluck().all(), [9]);
  });

  it('recomputes a bucket that received a late sample, and merges a sample older than raw retention', async () => {
    const db = openDatabase(':memory:');
    const series = new SeriesStore(db);
    const now = 100 * DAY;
    const base = { target_kind: 'agent' as const, target_id: 'a1', metric: 'm' };
    const ts = now - 2 * DAY;
    db.transaction(() => series.insertSamples([{ ...base, ts, value: 1 }], 0, B))();
    const first = await runRetention(db, now);
    db.transaction(() => series.insertSamples([{ ...base, ts: ts + 1, value: 5 }], first.rolledUpTo, B))();
    const second = await runRetention(db, now);
    assert.equal(second.dirtyRecomputed, 1);
    const bucket = Math.floor(ts / B) * B;
    assert.deepEqual(db.prepare('SELECT count, sum FROM rollups WHERE bucket_ts = ?').get(bucket), {
      count: 2,
      sum: 6,
    });
    const old = now - 30 * DAY;
    db.transaction(() =>
      series.insertSamples([{ ...base, ts: old, value: 3 }], second.rolledUpTo, B, now - 7 * DAY),
    )();
    assert.deepEqual(
      db.prepare('SELECT count, max FROM rollups WHERE bucket_ts = ?').get(Math.floor(old / B) * B),
      { count: 1, max: 3 },
    );
    assert.equal(db.prepare('SELECT count(*) FROM samples WHERE ts = ?').pluck().get(old), 0);
  });
});
