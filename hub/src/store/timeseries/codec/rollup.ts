import { type Columns, decodeColumns, encodeColumns } from './chunk.js';

/** Aggregates of the samples in one bucket of time: what is kept once raw samples expire. */
export interface Bucket {
  /** Start of the bucket (epoch ms, a multiple of the bucket width). */
  t: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Buckets of `widthMs` over samples (in any order), sorted by time. */
export function rollUp(ts: ArrayLike<number>, values: ArrayLike<number>, widthMs: number): Bucket[] {
  const byStart = new Map<number, Bucket>();
  for (let i = 0; i < ts.length; i++) {
    const t = Math.floor((ts[i] as number) / widthMs) * widthMs;
    const v = values[i] as number;
    const b = byStart.get(t);
    if (b) {
      b.count++;
      b.sum += v;
      if (v < b.min) b.min = v;
      if (v > b.max) b.max = v;
    } else byStart.set(t, { t, count: 1, sum: v, min: v, max: v });
  }
  return [...byStart.values()].sort((a, b) => a.t - b.t);
}

/** Merges buckets of the same start (from two chunks, or a late sample into its bucket), sorted by time. */
export function mergeBuckets(a: readonly Bucket[], b: readonly Bucket[]): Bucket[] {
  const byStart = new Map<number, Bucket>();
  for (const x of [...a, ...b]) {
    const cur = byStart.get(x.t);
    if (!cur) byStart.set(x.t, { ...x });
    else {
      cur.count += x.count;
      cur.sum += x.sum;
      cur.min = Math.min(cur.min, x.min);
      cur.max = Math.max(cur.max, x.max);
    }
  }
  return [...byStart.values()].sort((x, y) => x.t - y.t);
}

/** Buckets as a four-column chunk (count, sum, min, max). */
export function encodeBuckets(buckets: readonly Bucket[]): Uint8Array {
  const n = buckets.length;
  const c: Columns = { ts: new Float64Array(n), cols: [0, 1, 2, 3].map(() => new Float64Array(n)) };
  buckets.forEach((b, i) => {
    c.ts[i] = b.t;
    c.cols[0]![i] = b.count;
    c.cols[1]![i] = b.sum;
    c.cols[2]![i] = b.min;
    c.cols[3]![i] = b.max;
  });
  return encodeColumns(c);
}

export function decodeBuckets(bytes: Uint8Array): Bucket[] {
  const { ts, cols } = decodeColumns(bytes);
  if (cols.length !== 4) throw new RangeError(`a rollup chunk has 4 value columns, not ${cols.length}`);
  const [count, sum, min, max] = cols as [Float64Array, Float64Array, Float64Array, Float64Array];
  return Array.from(ts, (t, i) => ({
    t,
    count: count[i] as number,
    sum: sum[i] as number,
    min: min[i] as number,
    max: max[i] as number,
  }));
}
