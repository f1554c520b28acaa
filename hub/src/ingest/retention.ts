import type { Db } from '../store/db.js';

export interface RetentionOptions {
  rawDays: number;
  rollupDays: number;
  bucketMs: number;
  /** Buckets closer to now than this are not rolled up yet (samples may still arrive). */
  latenessMs: number;
  /** Series per transaction: ingest runs between chunks, so it is never blocked for long. */
  chunk: number;
}

export const DEFAULT_RETENTION: RetentionOptions = {
  rawDays: 7,
  rollupDays: 90,
  bucketMs: 300_000,
  latenessMs: 600_000,
  chunk: 250,
};

const DAY = 86_400_000;
const WATERMARK = 'rollup_done_until';

const yieldToIngest = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The rollup watermark: buckets before it are rolled up. */
export function rolledUpBefore(db: Db): number {
  const v = db.prepare('SELECT value FROM hub_state WHERE key = ?').pluck().get(WATERMARK) as
    | string
    | undefined;
  return v === undefined ? 0 : Number(v);
}

export interface RetentionRun {
  rolledUpTo: number;
  dirtyRecomputed: number;
  rawDeleted: number;
  rollupsDeleted: number;
}

/**
 * One pass of retention, in small transactions (one chunk of series each) with a yield between them:
 * 1. roll up complete buckets since the watermark (count, sum, min, max per series and bucket);
 * 2. recompute buckets marked dirty by late samples;
 * 3. delete raw samples older than `rawDays` (only below the watermark, so nothing is deleted unrolled);
 * 4. delete rollups older than `rollupDays`.
 * Every query walks the samples' primary key (series_id, ts): no scan of the whole table.
 */
export async function runRetention(
  db: Db,
  now: number,
  o: RetentionOptions = DEFAULT_RETENTION,
  stopped: () => boolean = () => false,
): Promise<RetentionRun> {
  const B = o.bucketMs;
  const seriesIds = db.prepare('SELECT id FROM series ORDER BY id').pluck().all() as number[];
  const chunks: number[][] = [];
  for (let i = 0; i < seriesIds.length; i += o.chunk) chunks.push(seriesIds.slice(i, i + o.chunk));

  let done = rolledUpBefore(db);
  const target = Math.floor((now - o.latenessMs) / B) * B;
  if (done === 0) {
    const minTs = db.prepare('SELECT min(ts) FROM samples WHERE series_id = ?').pluck();
    let earliest = target;
    for (const id of seriesIds) earliest = Math.min(earliest, (minTs.get(id) as number | null) ?? target);
    done = Math.floor(earliest / B) * B;
  }
  const roll = db.prepare(
    `INSERT OR REPLACE INTO rollups (series_id, bucket_ts, count, sum, min, max)
     SELECT series_id, (ts / ${B}) * ${B}, count(*), sum(value), min(value), max(value)
     FROM samples WHERE series_id = ? AND ts >= ? AND ts < ? GROUP BY 2`,
  );
  const setWatermark = db.prepare(
    'INSERT INTO hub_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  if (target > done) {
    for (const chunk of chunks) {
      db.transaction(() => {
        for (const id of chunk) roll.run(id, done, target);
      })();
      await yieldToIngest();
      // Stopping mid-way leaves the watermark where it was: the next pass redoes these buckets (REPLACE).
      if (stopped()) return { rolledUpTo: done, dirtyRecomputed: 0, rawDeleted: 0, rollupsDeleted: 0 };
    }
    done = target;
  }
  setWatermark.run(WATERMARK, String(done));

  let dirtyRecomputed = 0;
  const dirty = db.prepare('SELECT series_id, bucket_ts FROM rollup_dirty LIMIT ?');
  const clean = db.prepare('DELETE FROM rollup_dirty WHERE series_id = ? AND bucket_ts = ?');
  for (;;) {
    const rows = dirty.all(o.chunk) as { series_id: number; bucket_ts: number }[];
    if (rows.length === 0) break;
    db.transaction(() => {
      for (const r of rows) {
        roll.run(r.series_id, r.bucket_ts, r.bucket_ts + B);
        clean.run(r.series_id, r.bucket_ts);
      }
    })();
    dirtyRecomputed += rows.length;
    await yieldToIngest();
    if (stopped()) break;
  }

  const rawCutoff = Math.min(now - o.rawDays * DAY, done);
  const rollupCutoff = now - o.rollupDays * DAY;
  const delRaw = db.prepare('DELETE FROM samples WHERE series_id = ? AND ts < ?');
  const delRollup = db.prepare('DELETE FROM rollups WHERE series_id = ? AND bucket_ts < ?');
  let rawDeleted = 0;
  let rollupsDeleted = 0;
  for (const chunk of chunks) {
    db.transaction(() => {
      for (const id of chunk) {
        rawDeleted += delRaw.run(id, rawCutoff).changes;
        rollupsDeleted += delRollup.run(id, rollupCutoff).changes;
      }
    })();
    await yieldToIngest();
    if (stopped()) break;
  }
  return { rolledUpTo: done, dirtyRecomputed, rawDeleted, rollupsDeleted };
}
