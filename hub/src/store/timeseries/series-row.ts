import type { SeriesInfo, TargetKind } from './types.js';

/** A `series` row as both SQL engines store it (labels as JSON text). */
export interface SeriesRow {
  id: number;
  target_kind: TargetKind;
  target_id: string;
  metric: string;
  unit: string | null;
  labels: string;
}

/** A stored series row as the engines' callers see it. */
export const seriesInfoOf = (r: SeriesRow): SeriesInfo => ({
  id: r.id,
  kind: r.target_kind,
  target: r.target_id,
  metric: r.metric,
  unit: r.unit,
  labels: JSON.parse(r.labels) as Record<string, string>,
});
