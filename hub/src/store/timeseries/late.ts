import { mergeRuns } from './aggregate.js';
import { decodeBuckets, encodeBuckets, encodeChunk, mergeBuckets, rollUp } from './codec/index.js';

/** What late-sample merging needs of a stored chunk's row. */
export interface StoredChunk {
  start_ts: number;
  end_ts: number;
  count: number;
  /** Raw samples; null once past raw retention. */
  data: Uint8Array | null;
  /** Rollup buckets; set when the raw samples were dropped. */
  rollup: Uint8Array | null;
}

/** Where late samples go: samples [lo, hi) of the sorted run into `row`. */
export type Placement<R> = [row: R, lo: number, hi: number];

/**
 * Pure: places late samples (sorted, all at or before the series' last chunk's end) into the chunks covering
 * them. `covering` gives the series' chunks starting at or before the last late sample, latest first (it is
 * read only as far as needed); `first` the series' first chunk, which grows backwards to take samples before
 * every chunk. Throws when the series has no chunk at all (then nothing is late).
 */
export function placeLate<R extends StoredChunk>(
  ts: ArrayLike<number>,
  covering: Iterable<R>,
  first: () => R | undefined,
): Placement<R>[] {
  const n = ts.length;
  const places: Placement<R>[] = [];
  let hi = n;
  let earliest: R | undefined;
  for (const row of covering) {
    earliest = row;
    let lo = hi;
    while (lo > 0 && (ts[lo - 1] as number) >= row.start_ts) lo--;
    if (lo < hi) places.push([row, lo, hi]);
    hi = lo;
    if (hi === 0) break;
  }
  earliest ??= first();
  if (!earliest) throw new Error('late samples but no chunk to merge them into');
  // Samples before every chunk: the series' first chunk grows backwards to take them.
  if (hi > 0) {
    const lastPlace = places[places.length - 1];
    if (lastPlace && lastPlace[0] === earliest) lastPlace[1] = 0;
    else places.push([earliest, 0, hi]);
  }
  return places;
}

/** A chunk's row after late samples were merged into it. */
export interface MergedChunk {
  start: number;
  end: number;
  count: number;
  data: Uint8Array | null;
  rollup: Uint8Array | null;
}

/**
 * Pure: a stored chunk with late samples merged in. With raw samples (`old`, decoded), the late sample wins
 * over a stored one at the same timestamp and the chunk keeps its own timestamps from then on (no shared
 * times column); without them (past raw retention) the late samples join the rollup buckets.
 */
export function mergeLate(
  row: StoredChunk,
  old: { ts: Float64Array; values: Float64Array } | undefined,
  ts: Float64Array,
  values: Float64Array,
  bucketMs: number,
): MergedChunk {
  const start = Math.min(row.start_ts, ts[0] as number);
  const end = Math.max(row.end_ts, ts[ts.length - 1] as number);
  if (row.data && old) {
    const points = mergeRuns([old, { ts, values }], Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    const t = Float64Array.from(points, (p) => p.t);
    const v = Float64Array.from(points, (p) => p.v);
    return { start, end, count: points.length, data: encodeChunk(t, v), rollup: row.rollup };
  }
  const buckets = mergeBuckets(row.rollup ? decodeBuckets(row.rollup) : [], rollUp(ts, values, bucketMs));
  return { start, end, count: row.count + ts.length, data: null, rollup: encodeBuckets(buckets) };
}
