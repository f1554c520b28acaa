import { average, mergeRuns, type SampleRun, StepSums, type SumRow } from './aggregate.js';
import type { Bucket } from './codec/index.js';
import type { HeadChunk } from './head.js';
import type { Point, ReadRange } from './types.js';

/** A stored chunk as a read sees it: its raw samples, or its rollup buckets once the raw ones were dropped. */
export interface ChunkContent {
  run?: SampleRun;
  buckets?: Bucket[];
}

/** Head chunks of a series that overlap [from, to]. */
export function headChunksIn(
  chunks: readonly HeadChunk[] | undefined,
  from: number,
  to: number,
): HeadChunk[] {
  return (chunks ?? []).filter((c) => c.maxT >= from && c.minT <= to);
}

/**
 * Pure: the points of one series in a range, from its stored chunks (by start, never overlapping one
 * another) and its head chunks (later writes: a head sample replaces a stored one at the same timestamp).
 * Raw points without a step, averages per aligned step with one; rollup buckets of `bucketMs` count with
 * their sums and counts. Shared by every engine: only how chunks are fetched differs.
 */
export function readPoints(
  stored: readonly ChunkContent[],
  head: readonly HeadChunk[],
  range: ReadRange,
  bucketMs: number,
): Point[] {
  const { from, to, stepMs } = range;
  if (stepMs) return readSteps(stored, head, from, to, stepMs, bucketMs);
  const runs: SampleRun[] = [];
  const buckets: SumRow[] = [];
  for (const c of stored) {
    if (c.run) runs.push(c.run);
    else {
      for (const b of c.buckets ?? []) {
        if (b.t + bucketMs > from && b.t <= to) buckets.push({ t: b.t, sum: b.sum, count: b.count });
      }
    }
  }
  for (const c of head) runs.push(c.decode());
  const points = mergeRuns(runs, from, to);
  if (buckets.length === 0) return points;
  const all: SumRow[] = buckets;
  for (const p of points) all.push({ t: p.t, sum: p.v, count: 1 });
  all.sort((a, b) => a.t - b.t);
  return average(all);
}

/**
 * A read averaged into steps, sample by sample into per-step sums: a long range costs decoding its chunks,
 * never a point object per raw sample. Sealed chunks never overlap one another; samples in the head are
 * later writes, so a sealed sample at a timestamp the head also has is skipped.
 */
function readSteps(
  stored: readonly ChunkContent[],
  head: readonly HeadChunk[],
  from: number,
  to: number,
  stepMs: number,
  bucketMs: number,
): Point[] {
  const steps = new StepSums(from, to, stepMs);
  const recent = new Map<number, number>();
  for (const c of head) {
    const { ts, values } = c.decode();
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i] as number;
      if (t >= from && t <= to) recent.set(t, values[i] as number);
    }
  }
  for (const c of stored) {
    if (c.run) {
      const { ts, values } = c.run;
      for (let i = 0; i < ts.length; i++) {
        const t = ts[i] as number;
        if (t >= from && t <= to && !recent.has(t)) steps.add(t, values[i] as number, 1);
      }
    } else {
      for (const b of c.buckets ?? []) if (b.t + bucketMs > from && b.t <= to) steps.add(b.t, b.sum, b.count);
    }
  }
  for (const [t, v] of recent) steps.add(t, v, 1);
  return steps.points();
}

/** Raw samples of the head chunks overlapping [from, to] (whole chunks: an upper bound, as stored counts). */
export function headCount(chunks: readonly HeadChunk[] | undefined, from: number, to: number): number {
  let n = 0;
  for (const c of chunks ?? []) if (c.maxT >= from && c.minT <= to) n += c.count;
  return n;
}
