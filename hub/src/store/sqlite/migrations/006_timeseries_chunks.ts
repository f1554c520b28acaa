import type Database from 'better-sqlite3';
import { type Bucket, encodeBuckets, encodeChunk } from '../../timeseries/codec/index.js';
import { DEFAULT_HEAD_POLICY } from '../../timeseries/head.js';
import type { Migration } from './types.js';

/** The rollup bucket width of the row-per-sample layout (5 minutes). */
const OLD_BUCKET_MS = 300_000;
/** Rollup-only chunks made from old rollups hold up to a day of buckets. */
const BUCKETS_PER_CHUNK = 288;

/**
 * Time series in compressed chunks (hub/README.md "Time series"): `ts_chunks` (one row per series and span
 * of time) and `ts_head_log` (recent samples, one record per committed unit of work) replace `samples` (one
 * row per sample), `rollups` and `rollup_dirty`. Every stored sample moves into chunks cut as the engine
 * cuts them (at most 480 samples or 2 hours each); rollups of times whose raw samples were already pruned
 * become rollup-only chunks. Then the old tables are dropped: their data lives on in the chunks.
 */
export const m006TimeseriesChunks: Migration = {
  version: 6,
  name: 'timeseries_chunks',
  up(db) {
    db.exec(`
      -- Replay skips head-log records at or below this: the series' samples in them are sealed.
      ALTER TABLE series ADD COLUMN sealed_log_id INTEGER NOT NULL DEFAULT 0;

      CREATE TABLE ts_chunks (
        id        INTEGER PRIMARY KEY,
        series_id INTEGER NOT NULL,
        start_ts  INTEGER NOT NULL,
        end_ts    INTEGER NOT NULL,
        count     INTEGER NOT NULL,
        data      BLOB,
        rollup    BLOB
      );
      CREATE UNIQUE INDEX ts_chunks_series ON ts_chunks(series_id, start_ts);
      -- Retention finds chunks by age: those with raw samples, and those with only rollups.
      CREATE INDEX ts_chunks_raw_end ON ts_chunks(end_ts) WHERE data IS NOT NULL;
      CREATE INDEX ts_chunks_rollup_end ON ts_chunks(end_ts) WHERE data IS NULL;

      CREATE TABLE ts_head_log (
        id         INTEGER PRIMARY KEY,
        written_at INTEGER NOT NULL,
        samples    INTEGER NOT NULL,
        data       BLOB NOT NULL
      );
    `);
    convert(db);
    db.exec(`
      DROP TABLE samples;
      DROP TABLE rollups;
      DROP TABLE rollup_dirty;
      DELETE FROM hub_state WHERE key = 'rollup_done_until';
    `);
  },
};

function convert(db: Database.Database): void {
  const insert = db.prepare(
    'INSERT INTO ts_chunks (series_id, start_ts, end_ts, count, data, rollup) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const seriesIds = db.prepare('SELECT id FROM series ORDER BY id').pluck().all() as number[];
  // Read in pages (a statement being iterated cannot run alongside the inserts).
  const samples = db
    .prepare('SELECT ts, value FROM samples WHERE series_id = ? AND ts > ? ORDER BY ts LIMIT 10000')
    .raw();
  const rollups = db
    .prepare(
      'SELECT bucket_ts, count, sum, min, max FROM rollups WHERE series_id = ? AND bucket_ts < ? ORDER BY bucket_ts',
    )
    .raw();
  const { maxSamples, maxSpanMs } = DEFAULT_HEAD_POLICY;
  for (const id of seriesIds) {
    const ts: number[] = [];
    const vs: number[] = [];
    const flush = () => {
      if (ts.length === 0) return;
      const t = Float64Array.from(ts);
      insert.run(id, ts[0], ts[ts.length - 1], ts.length, encodeChunk(t, Float64Array.from(vs)), null);
      ts.length = 0;
      vs.length = 0;
    };
    let firstRaw: number | undefined;
    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const page = samples.all(id, after) as [number, number][];
      for (const [t, v] of page) {
        firstRaw ??= t;
        if (ts.length >= maxSamples || (ts.length > 0 && t - (ts[0] as number) >= maxSpanMs)) flush();
        ts.push(t);
        vs.push(v);
      }
      if (page.length < 10000) break;
      after = (page[page.length - 1] as [number, number])[0];
    }
    flush();
    // Rollups of buckets that start before the first raw sample (their raw samples were pruned).
    const before = firstRaw ?? Number.MAX_SAFE_INTEGER;
    let buckets: Bucket[] = [];
    const flushBuckets = () => {
      if (buckets.length === 0) return;
      const first = buckets[0] as Bucket;
      const last = buckets[buckets.length - 1] as Bucket;
      const end = Math.min(last.t + OLD_BUCKET_MS - 1, before - 1);
      const count = buckets.reduce((n, b) => n + b.count, 0);
      insert.run(id, first.t, end, count, null, encodeBuckets(buckets));
      buckets = [];
    };
    for (const [t, count, sum, min, max] of rollups.all(id, before) as number[][]) {
      if (buckets.length >= BUCKETS_PER_CHUNK) flushBuckets();
      buckets.push({
        t: t as number,
        count: count as number,
        sum: sum as number,
        min: min as number,
        max: max as number,
      });
    }
    flushBuckets();
  }
}
