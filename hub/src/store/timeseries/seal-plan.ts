import { normalize } from './aggregate.js';
import { encodeTimes } from './codec/index.js';
import type { Head, SeriesHead } from './head.js';

/** Timestamp columns of one seal pass: how many chunks have them so far, their bytes, their row once stored. */
export type SharedTimes = Map<string, { uses: number; bytes: Uint8Array; id: number | undefined }>;

/** One closed head chunk to seal: its samples sorted (last write wins), and the key of its timestamps. */
export interface SealRun {
  ts: Float64Array;
  values: Float64Array;
  key: string;
}

export interface SealWork {
  s: SeriesHead;
  runs: SealRun[];
}

/** A times column this small stays in its chunk: a shared row would cost more than it saves. */
const MIN_SHARED_BYTES = 8;

/**
 * Pure (over the head): the closed chunks of a slice of series, decoded and sorted, counted into `shared` by
 * their timestamps: the series of one device polled together carry the very same timestamps, stored once.
 */
export function planSeal(head: Head, slice: readonly SeriesHead[], shared: SharedTimes): SealWork[] {
  const work: SealWork[] = [];
  for (const s of slice) {
    if (head.get(s.id) !== s) continue; // its target was deleted meanwhile
    const closed = head.closedChunks(s);
    if (closed.length === 0) continue;
    const runs = closed.map((c) => {
      const run = normalize(c.decode());
      const bytes = encodeTimes(run.ts);
      const key = `${run.ts.length}:${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1')}`;
      const entry = shared.get(key);
      if (entry) entry.uses++;
      else shared.set(key, { uses: 1, bytes, id: undefined });
      return { ...run, key };
    });
    work.push({ s, runs });
  }
  return work;
}

/**
 * The shared times entry a new chunk of `run` should refer to, when its timestamps `t` are the whole run (no
 * late samples split off) and another chunk of the pass has the same ones; undefined to keep its own. The
 * caller stores the entry's column once (sets `id`).
 */
export function sharedTimesOf(shared: SharedTimes, run: SealRun, t: Float64Array) {
  const entry = shared.get(run.key);
  if (!entry || t.length !== run.ts.length || entry.bytes.length < MIN_SHARED_BYTES) return undefined;
  if (entry.id === undefined && entry.uses < 2) return undefined;
  return entry;
}

/** Where a series' samples are sealed through once `sealedChunks` of its head chunks are stored. */
export function sealedThrough(s: SeriesHead, sealedChunks: number, lastLogId: number): number {
  const next = s.chunks[sealedChunks];
  return next ? next.minLog - 1 : lastLogId;
}
