import { labelsKey, SeriesIdCache } from '../../timeseries/series-cache.js';
import { type SeriesRow, seriesInfoOf as toInfo } from '../../timeseries/series-row.js';
import type { SeriesInfo, SeriesKey, TargetKind } from '../../timeseries/types.js';
import type { Db } from '../connection.js';

/**
 * The `series` table: one row per (target, metric, labels), ids cached in memory (the table only grows,
 * except when a target is deleted). `sealed_log_id` says up to which head-log record the series' samples
 * are all in sealed chunks: replay skips what lies at or below it.
 */
export class SeriesCatalog {
  readonly #cache = new SeriesIdCache();
  readonly #find;
  readonly #create;
  readonly #setSealed;

  constructor(private readonly db: Db) {
    this.#find = db
      .prepare('SELECT id FROM series WHERE target_kind = ? AND target_id = ? AND metric = ? AND labels = ?')
      .pluck();
    this.#create = db.prepare(
      `INSERT INTO series (target_kind, target_id, metric, unit, labels, sealed_log_id) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    this.#setSealed = db.prepare('UPDATE series SET sealed_log_id = ? WHERE id = ?');
  }

  /**
   * The id of a series, created on first use (in the caller's transaction) as sealed up to `lastLogId`:
   * a reused id never picks up samples of a deleted series from older head-log records.
   */
  resolve(key: SeriesKey, lastLogId: number): number {
    return this.resolveParts(key.kind, key.target, key.metric, key.labels, key.unit, lastLogId);
  }

  /**
   * `resolve` without a key object, for the ingest hot path: a numeric target (a device or camera id) and
   * strings or frozen label objects shared by many samples (as the compact batch decoder gives them) make
   * the cached lookups hash nothing new.
   */
  resolveParts(
    kind: TargetKind,
    target: string | number,
    metric: string,
    labels: Readonly<Record<string, string>> | undefined,
    unit: string | undefined,
    lastLogId: number,
  ): number {
    const byMetric = this.#cache.slot(kind, target, labels);
    const cached = byMetric.get(metric);
    if (cached !== undefined) return cached;
    const json = labelsKey(labels);
    const t = String(target);
    let id = this.#find.get(kind, t, metric, json) as number | undefined;
    if (id === undefined) {
      this.#create.run(kind, t, metric, unit ?? null, json, lastLogId);
      id = this.#find.get(kind, t, metric, json) as number;
    }
    byMetric.set(metric, id);
    return id;
  }

  /** Replaced whenever ids given out may stop naming their series (SampleWriter.idsToken). */
  get idsToken(): object {
    return this.#cache.idsToken;
  }

  /** Drops cached ids (after a rolled-back transaction that may have created series, or deleted series). */
  clearCache(): void {
    this.#cache.clear();
  }

  list(kind: TargetKind, target: string, metric?: string): SeriesInfo[] {
    const rows = this.db
      .prepare(
        `SELECT id, target_kind, target_id, metric, unit, labels FROM series WHERE target_kind = ? AND target_id = ?
         ${metric === undefined ? '' : 'AND metric = ?'} ORDER BY metric, labels`,
      )
      .all(kind, target, ...(metric === undefined ? [] : [metric])) as SeriesRow[];
    return rows.map(toInfo);
  }

  byMetric(metric: string, limit: number): SeriesInfo[] {
    const rows = this.db
      .prepare(
        `SELECT id, target_kind, target_id, metric, unit, labels FROM series WHERE metric = ?
         ORDER BY target_kind, target_id, labels LIMIT ?`,
      )
      .all(metric, limit) as SeriesRow[];
    return rows.map(toInfo);
  }

  metricNames(): { name: string; unit: string | null; series: number }[] {
    return this.db
      .prepare(
        'SELECT metric AS name, MAX(unit) AS unit, COUNT(*) AS series FROM series GROUP BY metric ORDER BY metric',
      )
      .all() as { name: string; unit: string | null; series: number }[];
  }

  /** Deletes the series rows of a target; returns their ids. */
  deleteTarget(kind: TargetKind, target: string): number[] {
    const ids = this.db
      .prepare('SELECT id FROM series WHERE target_kind = ? AND target_id = ?')
      .pluck()
      .all(kind, target) as number[];
    this.db.prepare('DELETE FROM series WHERE target_kind = ? AND target_id = ?').run(kind, target);
    this.clearCache();
    return ids;
  }

  setSealed(id: number, logId: number): void {
    this.#setSealed.run(logId, id);
  }

  /** Every series' sealed_log_id (for replay). */
  sealedLogIds(): Map<number, number> {
    const out = new Map<number, number>();
    for (const r of this.db.prepare('SELECT id, sealed_log_id FROM series').raw().iterate() as Iterable<
      [number, number]
    >) {
      out.set(r[0], r[1]);
    }
    return out;
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM series').pluck().get() as number;
  }
}
