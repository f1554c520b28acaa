import type { Db } from './db.js';

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

  constructor(private readonly db: Db) {
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
   * Inserts samples. Samples older than `rolledUpBefore` fall in buckets already rolled up: their buckets
   * are marked dirty so that retention recomputes them.
   */
  insertSamples(rows: readonly SampleRow[], rolledUpBefore: number, bucketMs: number): void {
    const params: number[] = [];
    for (const r of rows) {
      const id = this.seriesId(r.target_kind, r.target_id, r.metric, canonicalLabels(r.labels), r.unit);
      params.push(id, r.ts, r.value);
      if (r.ts < rolledUpBefore) this.#dirty.run(id, Math.floor(r.ts / bucketMs) * bucketMs);
      if (params.length === CHUNK * 3) {
        this.#insertChunk.run(params);
        params.length = 0;
      }
    }
    for (let i = 0; i < params.length; i += 3) this.#insertOne.run(params[i], params[i + 1], params[i + 2]);
  }
}

// Read side (API): series of a target, points raw or averaged. Timestamps are epoch ms.

export interface SeriesInfo {
  id: number;
  metric: string;
  unit: string | null;
  labels: Record<string, string>;
}

export interface Point {
  /** Epoch milliseconds (start of the step when averaged). */
  t: number;
  v: number;
}

interface SeriesRow {
  id: number;
  metric: string;
  unit: string | null;
  labels: string;
}

const toInfo = (r: SeriesRow): SeriesInfo => ({
  id: r.id,
  metric: r.metric,
  unit: r.unit,
  labels: JSON.parse(r.labels) as Record<string, string>,
});

/** Every series of a target, sorted by metric then labels. */
export function listSeries(
  db: Db,
  kind: TargetKind,
  targetId: number | string,
  metric?: string,
): SeriesInfo[] {
  const rows = db
    .prepare(
      `SELECT id, metric, unit, labels FROM series WHERE target_kind = ? AND target_id = ?
       ${metric === undefined ? '' : 'AND metric = ?'} ORDER BY metric, labels`,
    )
    .all(kind, String(targetId), ...(metric === undefined ? [] : [metric])) as SeriesRow[];
  return rows.map(toInfo);
}

/** True when every key/value of `want` is in `labels`. */
export function labelsMatch(labels: Record<string, string>, want: Record<string, string>): boolean {
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

/**
 * Points of one series in [from, to]: raw samples where they exist, hourly/whatever rollups before the oldest
 * raw sample (raw data is pruned sooner). With `stepMs`, points are averaged into steps (weighted by count).
 */
export function readPoints(db: Db, seriesId: number, from: number, to: number, stepMs?: number): Point[] {
  const oldestRaw = (
    db.prepare('SELECT MIN(ts) AS t FROM samples WHERE series_id = ?').get(seriesId) as { t: number | null }
  ).t;
  const rollupEnd = Math.min(to, oldestRaw === null ? to : oldestRaw - 1);
  const parts: { t: number; sum: number; count: number }[] = [];
  if (from <= rollupEnd) {
    const rows = db
      .prepare(
        'SELECT bucket_ts AS t, sum, count FROM rollups WHERE series_id = ? AND bucket_ts >= ? AND bucket_ts <= ? ORDER BY bucket_ts',
      )
      .all(seriesId, from, rollupEnd) as { t: number; sum: number; count: number }[];
    parts.push(...rows);
  }
  const raw = db
    .prepare(
      'SELECT ts AS t, value AS sum, 1 AS count FROM samples WHERE series_id = ? AND ts >= ? AND ts <= ? ORDER BY ts',
    )
    .all(seriesId, Math.max(from, oldestRaw ?? from), to) as { t: number; sum: number; count: number }[];
  parts.push(...raw);
  return average(parts, stepMs);
}

/** Pure: averages (t, sum, count) rows into steps of `stepMs`; without a step, each row's own average. */
export function average(
  rows: readonly { t: number; sum: number; count: number }[],
  stepMs?: number,
): Point[] {
  if (!stepMs) return rows.filter((r) => r.count > 0).map((r) => ({ t: r.t, v: r.sum / r.count }));
  const buckets = new Map<number, { sum: number; count: number }>();
  for (const r of rows) {
    const b = Math.floor(r.t / stepMs) * stepMs;
    const acc = buckets.get(b) ?? { sum: 0, count: 0 };
    acc.sum += r.sum;
    acc.count += r.count;
    buckets.set(b, acc);
  }
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .filter(([, a]) => a.count > 0)
    .map(([t, a]) => ({ t, v: a.sum / a.count }));
}

/** Deletes every series, sample and rollup of a target (when the device or camera is deleted). */
export function deleteSeriesOf(db: Db, kind: TargetKind, targetId: number | string): void {
  const ids = db
    .prepare('SELECT id FROM series WHERE target_kind = ? AND target_id = ?')
    .all(kind, String(targetId)) as {
    id: number;
  }[];
  const samples = db.prepare('DELETE FROM samples WHERE series_id = ?');
  const rollups = db.prepare('DELETE FROM rollups WHERE series_id = ?');
  const hasDirty = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rollup_dirty'")
    .get();
  const dirty = hasDirty ? db.prepare('DELETE FROM rollup_dirty WHERE series_id = ?') : undefined;
  for (const { id } of ids) {
    samples.run(id);
    rollups.run(id);
    dirty?.run(id);
  }
  db.prepare('DELETE FROM series WHERE target_kind = ? AND target_id = ?').run(kind, String(targetId));
}
