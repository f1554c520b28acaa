import type { Db } from './db.js';
import type { TargetKind } from './sample-writer.js';

// Read side (API): series of a target, points raw or averaged. Timestamps are epoch ms.
// sample-writer.ts is the write side (ingest).

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

/** A series found by metric, with the inventory facts a rule's scope needs. */
export interface MetricSeries extends SeriesInfo {
  target_kind: TargetKind;
  target_id: string;
  /** The site of the device, camera or agent (null when it no longer exists). */
  site_id: number | null;
  device_type: string | null;
}

/** Every series of `metric` (any target), ordered by target then labels; at most `limit`. */
export function seriesByMetric(db: Db, metric: string, limit: number): MetricSeries[] {
  const rows = db
    .prepare(
      `SELECT s.id, s.metric, s.unit, s.labels, s.target_kind, s.target_id,
         coalesce(d.site_id, c.site_id, a.site_id) AS site_id, d.device_type
       FROM series s
         LEFT JOIN devices d ON s.target_kind = 'device' AND d.id = CAST(s.target_id AS INTEGER)
         LEFT JOIN cameras c ON s.target_kind = 'camera' AND c.id = CAST(s.target_id AS INTEGER)
         LEFT JOIN agents a ON s.target_kind = 'agent' AND a.id = s.target_id
       WHERE s.metric = ?
       ORDER BY s.target_kind, s.target_id, s.labels
       LIMIT ?`,
    )
    .all(metric, limit) as (SeriesRow & {
    target_kind: TargetKind;
    target_id: string;
    site_id: number | null;
    device_type: string | null;
  })[];
  return rows.map((r) => ({
    ...toInfo(r),
    target_kind: r.target_kind,
    target_id: r.target_id,
    site_id: r.site_id,
    device_type: r.device_type,
  }));
}

/** Every metric name stored, with its unit and how many series (targets, labels) report it. */
export function metricNames(db: Db): { name: string; unit: string | null; series: number }[] {
  return db
    .prepare(
      'SELECT metric AS name, MAX(unit) AS unit, COUNT(*) AS series FROM series GROUP BY metric ORDER BY metric',
    )
    .all() as { name: string; unit: string | null; series: number }[];
}
