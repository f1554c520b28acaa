// The row-per-sample writer the hub used before time-series chunks (one `samples (series_id, ts)` row per
// sample), kept for bench:ingest only: it measures the old layout beside the new one in the same run.
import type { Db } from '../../hub/src/store/sqlite/connection.js';

export type TargetKind = 'device' | 'camera' | 'agent';

/** One value to store, already resolved to its target. */
export interface SampleRow {
  target_kind: TargetKind;
  target_id: string;
  metric: string;
  unit?: string;
  labels?: Record<string, string>;
  ts: number;
  value: number;
}

/** Labels as canonical JSON (keys sorted) so that the same labels always name the same series. */
export function canonicalLabels(labels: Record<string, string> | undefined): string {
  if (!labels) return '{}';
  const keys = Object.keys(labels);
  if (keys.length === 0) return '{}';
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = (keys[i - 1] as string) < (keys[i] as string);
  // Label keys are plain identifiers (no integer-like keys), so insertion order is the JSON order.
  if (sorted) return JSON.stringify(labels);
  keys.sort();
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = labels[k] as string;
  return JSON.stringify(out);
}

// Rows per multi-row INSERT: fewer statement executions, well under SQLite's 32766 bound parameters.
const CHUNK = 200;

/**
 * Series and raw samples. Series ids are cached in memory (the table only grows); samples are written with
 * multi-row inserts. Call `insertSamples` inside the caller's transaction.
 */
export class SeriesStore {
  readonly #ids = new Map<string, number>();
  readonly #find;
  readonly #create;
  readonly #insertOne;
  readonly #insertChunk;
  readonly #dirty;
  readonly #merge;

  constructor(db: Db) {
    this.#find = db
      .prepare('SELECT id FROM series WHERE target_kind = ? AND target_id = ? AND metric = ? AND labels = ?')
      .pluck();
    this.#create = db.prepare(
      'INSERT INTO series (target_kind, target_id, metric, unit, labels) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.#insertOne = db.prepare('INSERT OR REPLACE INTO samples (series_id, ts, value) VALUES (?, ?, ?)');
    this.#insertChunk = db.prepare(
      `INSERT OR REPLACE INTO samples (series_id, ts, value) VALUES ${Array(CHUNK).fill('(?, ?, ?)').join(', ')}`,
    );
    this.#dirty = db.prepare('INSERT OR IGNORE INTO rollup_dirty (series_id, bucket_ts) VALUES (?, ?)');
    this.#merge = db.prepare(
      `INSERT INTO rollups (series_id, bucket_ts, count, sum, min, max) VALUES (?, ?, 1, ?, ?, ?)
       ON CONFLICT (series_id, bucket_ts) DO UPDATE SET count = count + 1, sum = sum + excluded.sum,
         min = min(min, excluded.min), max = max(max, excluded.max)`,
    );
  }

  /** The id of a series, created on first use. */
  seriesId(kind: TargetKind, targetId: string, metric: string, labelsJson: string, unit?: string): number {
    const key = `${kind}\u0000${targetId}\u0000${metric}\u0000${labelsJson}`;
    const cached = this.#ids.get(key);
    if (cached !== undefined) return cached;
    let id = this.#find.get(kind, targetId, metric, labelsJson) as number | undefined;
    if (id === undefined) {
      this.#create.run(kind, targetId, metric, unit ?? null, labelsJson);
      id = this.#find.get(kind, targetId, metric, labelsJson) as number;
    }
    this.#ids.set(key, id);
    return id;
  }

  /** Drops cached ids (after a failed transaction that may have created series). */
  clearCache(): void {
    this.#ids.clear();
  }

  /**
   * Inserts samples. A sample older than `rawCutoff` (raw retention) goes straight into its rollup. One
   * older than `rolledUpBefore` falls in a bucket already rolled up: the bucket is marked dirty so that
   * retention recomputes it from the raw samples.
   */
  insertSamples(rows: readonly SampleRow[], rolledUpBefore: number, bucketMs: number, rawCutoff = 0): void {
    const ids: number[] = [];
    const order: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as SampleRow;
      const id = this.seriesId(r.target_kind, r.target_id, r.metric, canonicalLabels(r.labels), r.unit);
      ids.push(id);
      if (r.ts < rolledUpBefore) {
        const bucket = Math.floor(r.ts / bucketMs) * bucketMs;
        if (r.ts < rawCutoff) {
          this.#merge.run(id, bucket, r.value, r.value, r.value);
          continue;
        }
        this.#dirty.run(id, bucket);
      }
      order.push(i);
    }
    // In primary-key order: each B-tree leaf is visited once per batch instead of at random.
    order.sort(
      (a, b) =>
        (ids[a] as number) - (ids[b] as number) || (rows[a] as SampleRow).ts - (rows[b] as SampleRow).ts,
    );
    const params: number[] = [];
    for (const i of order) {
      const r = rows[i] as SampleRow;
      params.push(ids[i] as number, r.ts, r.value);
      if (params.length === CHUNK * 3) {
        this.#insertChunk.run(params);
        params.length = 0;
      }
    }
    for (let i = 0; i < params.length; i += 3) this.#insertOne.run(params[i], params[i + 1], params[i + 2]);
  }
}
