import type { Point } from './types.js';

/** Samples in column form, in write order (or sorted). */
export interface SampleRun {
  ts: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** Rows to average: a raw sample is {t, sum: v, count: 1}; a rollup bucket carries its own sum and count. */
export interface SumRow {
  t: number;
  sum: number;
  count: number;
}

function sortedRun(r: SampleRun): boolean {
  for (let i = 1; i < r.ts.length; i++) if ((r.ts[i] as number) <= (r.ts[i - 1] as number)) return false;
  return true;
}

/**
 * Pure: one series from runs given oldest write first, within [from, to], sorted by time. For equal
 * timestamps the later write wins: a later run over an earlier one, a later sample within a run over an
 * earlier one.
 */
export function mergeRuns(runs: readonly SampleRun[], from: number, to: number): Point[] {
  // Fast path: runs each strictly increasing and each after the one before (in-order ingest).
  let fast = true;
  let last = Number.NEGATIVE_INFINITY;
  for (const r of runs) {
    if (r.ts.length === 0) continue;
    if ((r.ts[0] as number) <= last || !sortedRun(r)) {
      fast = false;
      break;
    }
    last = r.ts[r.ts.length - 1] as number;
  }
  const out: Point[] = [];
  if (fast) {
    for (const r of runs) {
      for (let i = 0; i < r.ts.length; i++) {
        const t = r.ts[i] as number;
        if (t >= from && t <= to) out.push({ t, v: r.values[i] as number });
      }
    }
    return out;
  }
  const all: { t: number; v: number; seq: number }[] = [];
  let seq = 0;
  for (const r of runs) {
    for (let i = 0; i < r.ts.length; i++) {
      const t = r.ts[i] as number;
      if (t >= from && t <= to) all.push({ t, v: r.values[i] as number, seq });
      seq++;
    }
  }
  all.sort((a, b) => a.t - b.t || a.seq - b.seq);
  for (const p of all) {
    const prev = out[out.length - 1];
    if (prev && prev.t === p.t) prev.v = p.v;
    else out.push({ t: p.t, v: p.v });
  }
  return out;
}

/** Pure: the same as mergeRuns over one run, as columns (what sealing stores); the run itself when sorted. */
export function normalize(run: { ts: Float64Array; values: Float64Array }): {
  ts: Float64Array;
  values: Float64Array;
} {
  if (sortedRun(run)) return run;
  const points = mergeRuns([run], Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  return {
    ts: Float64Array.from(points, (p) => p.t),
    values: Float64Array.from(points, (p) => p.v),
  };
}

/** Pure: averages rows into steps of `stepMs` (weighted by count); without a step, each row's own average. */
export function average(rows: readonly SumRow[], stepMs?: number): Point[] {
  if (!stepMs) return rows.filter((r) => r.count > 0).map((r) => ({ t: r.t, v: r.sum / r.count }));
  const out: Point[] = [];
  const sums: number[] = [];
  const counts: number[] = [];
  const index = new Map<number, number>();
  for (const r of rows) {
    const b = Math.floor(r.t / stepMs) * stepMs;
    let i = index.get(b);
    if (i === undefined) {
      i = out.length;
      index.set(b, i);
      out.push({ t: b, v: 0 });
      sums.push(0);
      counts.push(0);
    }
    sums[i]! += r.sum;
    counts[i]! += r.count;
  }
  const points: Point[] = [];
  out.forEach((p, i) => {
    if ((counts[i] as number) > 0) points.push({ t: p.t, v: (sums[i] as number) / (counts[i] as number) });
  });
  return points.sort((a, b) => a.t - b.t);
}

/** Steps held in flat arrays up to this many; a wider (finer) read counts its steps in a Map instead. */
const DENSE_STEPS = 1 << 20;

/**
 * Pure: sums and counts per aligned step of `stepMs`, fed sample by sample (or bucket by bucket), so that a
 * stepped read holds one entry per step, never one per raw sample.
 */
export class StepSums {
  readonly #first: number;
  readonly #sums: Float64Array | undefined;
  readonly #counts: Float64Array | undefined;
  readonly #sparse: Map<number, { sum: number; count: number }> | undefined;

  constructor(
    from: number,
    to: number,
    private readonly stepMs: number,
  ) {
    this.#first = Math.floor(from / stepMs);
    const n = Math.floor(to / stepMs) - this.#first + 1;
    if (n <= DENSE_STEPS) {
      this.#sums = new Float64Array(n);
      this.#counts = new Float64Array(n);
    } else this.#sparse = new Map();
  }

  add(t: number, sum: number, count: number): void {
    const i = Math.floor(t / this.stepMs) - this.#first;
    if (this.#sums && this.#counts) {
      if (i < 0 || i >= this.#sums.length) return;
      this.#sums[i]! += sum;
      this.#counts[i]! += count;
      return;
    }
    const acc = this.#sparse!.get(i);
    if (acc) {
      acc.sum += sum;
      acc.count += count;
    } else this.#sparse!.set(i, { sum, count });
  }

  /** The average of every step that has something, in time order. */
  points(): Point[] {
    const out: Point[] = [];
    if (this.#sums && this.#counts) {
      for (let i = 0; i < this.#sums.length; i++) {
        const c = this.#counts[i] as number;
        if (c > 0) out.push({ t: (this.#first + i) * this.stepMs, v: (this.#sums[i] as number) / c });
      }
      return out;
    }
    for (const [i, a] of [...this.#sparse!.entries()].sort((x, y) => x[0] - y[0])) {
      if (a.count > 0) out.push({ t: (this.#first + i) * this.stepMs, v: a.sum / a.count });
    }
    return out;
  }
}
