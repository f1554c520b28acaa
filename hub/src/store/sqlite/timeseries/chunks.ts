import { decodeBuckets, decodeChunk, decodeTimes, encodeChunk } from '../../timeseries/codec/index.js';
import { mergeLate, placeLate } from '../../timeseries/late.js';
import type { ChunkContent } from '../../timeseries/read.js';
import type { Db } from '../connection.js';

/** A stored chunk's row, as reads and merges need it. */
export interface ChunkRow {
  id: number;
  start_ts: number;
  end_ts: number;
  count: number;
  /** Raw samples; null once past raw retention. */
  data: Uint8Array | null;
  /** Rollup buckets; set when the raw samples were dropped. */
  rollup: Uint8Array | null;
  /** The shared times column of a format 2 chunk (ts_times), else null. */
  times_id: number | null;
}

const COLUMNS = 'id, start_ts, end_ts, count, data, rollup, times_id';
/** Decoded shared times kept for reads (one column serves every series of a device for that span). */
const TIMES_CACHE = 4096;

/**
 * Sealed chunks in `ts_chunks`: one row per (series, span of time), spans of one series never overlap.
 * Writing a sorted run: samples after the series' last chunk become a new chunk; earlier ones (late) are
 * merged into the chunk whose span starts at or before them (the first chunk for samples before all),
 * re-encoded with their own timestamps, the late sample winning over a stored one at the same timestamp.
 */
export class ChunkTable {
  /** Start and end of each series' last chunk (by start), once looked up. */
  readonly #last = new Map<number, { start: number; end: number }>();
  readonly #times = new Map<number, Float64Array>();
  readonly #lastOf;
  readonly #insert;
  readonly #covering;
  readonly #first;
  readonly #update;
  readonly #overlapping;
  readonly #counts;
  readonly #timesOf;
  readonly #insertTimes;
  readonly #countAll;
  /** Chunks stored (counted when the engine opens, then kept up to date). */
  count = 0;

  constructor(db: Db) {
    this.#lastOf = db.prepare(
      'SELECT start_ts AS start, end_ts AS end FROM ts_chunks WHERE series_id = ? ORDER BY start_ts DESC LIMIT 1',
    );
    this.#insert = db.prepare(
      'INSERT INTO ts_chunks (series_id, start_ts, end_ts, count, data, times_id) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#covering = db.prepare(
      `SELECT ${COLUMNS} FROM ts_chunks WHERE series_id = ? AND start_ts <= ? ORDER BY start_ts DESC`,
    );
    this.#first = db.prepare(
      `SELECT ${COLUMNS} FROM ts_chunks WHERE series_id = ? ORDER BY start_ts LIMIT 1`,
    );
    this.#update = db.prepare(
      'UPDATE ts_chunks SET start_ts = ?, end_ts = ?, count = ?, data = ?, rollup = ?, times_id = NULL WHERE id = ?',
    );
    // Chunks overlapping [from, to]: the one holding `from` (latest start at or before it) and those after.
    this.#overlapping = db.prepare(
      `SELECT ${COLUMNS} FROM ts_chunks
       WHERE series_id = @series AND start_ts <= @to AND start_ts >= coalesce(
         (SELECT max(start_ts) FROM ts_chunks WHERE series_id = @series AND start_ts <= @from), @from)
       ORDER BY start_ts`,
    );
    this.#counts = db
      .prepare(
        `SELECT coalesce(sum(count), 0) FROM ts_chunks
       WHERE series_id = @series AND start_ts <= @to AND end_ts >= @from AND start_ts >= coalesce(
         (SELECT max(start_ts) FROM ts_chunks WHERE series_id = @series AND start_ts <= @from), @from)`,
      )
      .pluck();
    this.#timesOf = db.prepare('SELECT count, data FROM ts_times WHERE id = ?');
    this.#insertTimes = db.prepare('INSERT INTO ts_times (count, end_ts, data) VALUES (?, ?, ?)');
    this.#countAll = db.prepare('SELECT count(*) FROM ts_chunks').pluck();
  }

  /** Counts the stored chunks (a scan of an index: once, when the engine opens). */
  countAll(): void {
    this.count = this.#countAll.get() as number;
  }

  #lastChunk(seriesId: number): { start: number; end: number } | undefined {
    let last = this.#last.get(seriesId);
    if (!last) {
      last = this.#lastOf.get(seriesId) as { start: number; end: number } | undefined;
      if (last) this.#last.set(seriesId, last);
    }
    return last;
  }

  /** Stores a times column to be shared by chunks (in the caller's transaction); returns its id. */
  insertTimes(ts: Float64Array, bytes: Uint8Array): number {
    return Number(this.#insertTimes.run(ts.length, ts[ts.length - 1], bytes).lastInsertRowid);
  }

  /** The timestamps of a shared times column. */
  times(id: number): Float64Array {
    let ts = this.#times.get(id);
    if (ts) return ts;
    const row = this.#timesOf.get(id) as { count: number; data: Uint8Array } | undefined;
    if (!row) throw new Error(`time-series chunk refers to times ${id}, which is missing`);
    ts = decodeTimes(row.data, row.count);
    if (this.#times.size >= TIMES_CACHE) this.#times.delete(this.#times.keys().next().value as number);
    this.#times.set(id, ts);
    return ts;
  }

  /** A stored chunk as a run of raw samples, or its rollup buckets when the raw samples were dropped. */
  content(row: ChunkRow): ChunkContent {
    if (row.data) return { run: this.decode(row) };
    return { buckets: row.rollup ? decodeBuckets(row.rollup) : [] };
  }

  /** The raw samples of a chunk that has them. */
  decode(row: ChunkRow): { ts: Float64Array; values: Float64Array } {
    return decodeChunk(row.data as Uint8Array, row.times_id === null ? undefined : this.times(row.times_id));
  }

  /**
   * Stores a run sorted by time without repeated timestamps (inside the caller's transaction). `share` gives
   * the id of a times column to refer to for the run's new chunk (when it has those very timestamps), or
   * undefined to keep them in the chunk. Returns how many samples were merged into earlier chunks and how
   * many chunks were written.
   */
  write(
    seriesId: number,
    ts: Float64Array,
    values: Float64Array,
    bucketMs: number,
    share?: (ts: Float64Array) => number | undefined,
  ): { merged: number; chunks: number } {
    const n = ts.length;
    if (n === 0) return { merged: 0, chunks: 0 };
    const last = this.#lastChunk(seriesId);
    let split = 0;
    if (last) while (split < n && (ts[split] as number) <= last.end) split++;
    if (split > 0) this.#mergeLate(seriesId, ts.subarray(0, split), values.subarray(0, split), bucketMs);
    if (split < n) {
      const t = ts.subarray(split);
      const v = values.subarray(split);
      const start = t[0] as number;
      const end = t[t.length - 1] as number;
      const timesId = share?.(t);
      const data = encodeChunk(t, v, { sharedTimes: timesId !== undefined });
      this.#insert.run(seriesId, start, end, t.length, data, timesId ?? null);
      this.#last.set(seriesId, { start, end });
      this.count++;
      return { merged: split, chunks: 1 };
    }
    return { merged: split, chunks: 0 };
  }

  /** Late samples (sorted, all at or before the series' last chunk's end) into the chunks covering them. */
  #mergeLate(seriesId: number, ts: Float64Array, values: Float64Array, bucketMs: number): void {
    // The statement is read to the end (all placements known) before any update.
    const places = placeLate(
      ts,
      this.#covering.iterate(seriesId, ts[ts.length - 1]) as Iterable<ChunkRow>,
      () => this.#first.get(seriesId) as ChunkRow | undefined,
    );
    for (const [row, lo, hi] of places) {
      const t = ts.subarray(lo, hi);
      const v = values.subarray(lo, hi);
      const m = mergeLate(row, row.data ? this.decode(row) : undefined, t, v, bucketMs);
      this.#update.run(m.start, m.end, m.count, m.data, m.rollup, row.id);
      const last = this.#last.get(seriesId);
      if (last && last.start === row.start_ts) last.start = m.start;
    }
  }

  /** Rows of a series overlapping [from, to], by start. */
  overlapping(seriesId: number, from: number, to: number): ChunkRow[] {
    return this.#overlapping.all({ series: seriesId, from, to }) as ChunkRow[];
  }

  /** Samples stored for a series in chunks overlapping [from, to] (whole chunks: an upper bound). */
  countIn(seriesId: number, from: number, to: number): number {
    return this.#counts.get({ series: seriesId, from, to }) as number;
  }

  /** Forgets cached facts of deleted series. */
  forget(seriesId: number): void {
    this.#last.delete(seriesId);
  }

  /** Forgets every cached fact (chunks were deleted by retention). */
  forgetAll(): void {
    this.#last.clear();
    this.#times.clear();
  }
}
