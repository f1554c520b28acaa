import { decodeBuckets, decodeChunk, decodeTimes, encodeChunk } from '../../timeseries/codec/index.js';
import { mergeLate, placeLate } from '../../timeseries/late.js';
import type { ChunkContent } from '../../timeseries/read.js';
import type { Scope } from '../connection.js';

/** A stored chunk's row (bytea columns arrive as Buffers). */
export interface PgChunkRow {
  id: number;
  start_ts: number;
  end_ts: number;
  count: number;
  data: Uint8Array | null;
  rollup: Uint8Array | null;
  times_id: number | null;
}

const COLUMNS = 'id, start_ts, end_ts, count, data, rollup, times_id';
/** A series looked up and found without chunks. */
const NONE = { start: Number.NEGATIVE_INFINITY, end: Number.NEGATIVE_INFINITY };

/** A new chunk's row, inserted with others in one statement (ChunkInserts). */
interface NewChunk {
  series: number;
  start: number;
  end: number;
  count: number;
  data: Buffer;
  times: number | null;
}

/** New chunks of one transaction, inserted together: one statement instead of one per chunk. */
export class ChunkInserts {
  readonly rows: NewChunk[] = [];

  async flush(s: Scope): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows.splice(0);
    await s.run(
      `INSERT INTO ts_chunks (series_id, start_ts, end_ts, count, data, times_id)
       SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::int[], ?::bytea[], ?::bigint[])`,
      rows.map((r) => r.series),
      rows.map((r) => r.start),
      rows.map((r) => r.end),
      rows.map((r) => r.count),
      rows.map((r) => r.data),
      rows.map((r) => r.times),
    );
  }
}
/** Decoded shared times kept for reads (one column serves every series of a device for that span). */
const TIMES_CACHE = 4096;

/**
 * Sealed chunks in `ts_chunks` on PostgreSQL, as the SQLite engine keeps them (store/sqlite/timeseries/
 * chunks.ts): one bytea row per (series, span of time), spans of one series never overlapping, late samples
 * merged into the chunk covering them (store/timeseries/late.ts). Every call runs on the scope it is given:
 * the seal pass's transaction, or a read's.
 */
export class PgChunkTable {
  /** Start and end of each series' last chunk (by start), once looked up. */
  readonly #last = new Map<number, { start: number; end: number }>();
  readonly #times = new Map<number, Float64Array>();
  /** Chunks stored (counted when the engine opens, then kept up to date). */
  count = 0;

  async countAll(s: Scope): Promise<void> {
    this.count = (await s.get<{ n: number }>('SELECT count(*) AS n FROM ts_chunks'))?.n ?? 0;
  }

  async #lastChunk(s: Scope, seriesId: number): Promise<{ start: number; end: number } | undefined> {
    let last = this.#last.get(seriesId);
    if (!last) {
      last = await s.get<{ start: number; end: number }>(
        'SELECT start_ts AS start, end_ts AS end FROM ts_chunks WHERE series_id = ? ORDER BY start_ts DESC LIMIT 1',
        seriesId,
      );
      if (last) this.#last.set(seriesId, last);
    }
    return last === NONE ? undefined : last;
  }

  /** Looks up the last chunk of many series in one statement (a seal pass's slice). */
  async prefetchLast(s: Scope, ids: readonly number[]): Promise<void> {
    const want = ids.filter((id) => !this.#last.has(id));
    if (want.length === 0) return;
    const rows = await s.all<{ id: number; start: number; end: number }>(
      `SELECT k.id, c.start_ts AS start, c.end_ts AS end FROM unnest(?::bigint[]) AS k(id)
       CROSS JOIN LATERAL (SELECT start_ts, end_ts FROM ts_chunks WHERE series_id = k.id
                           ORDER BY start_ts DESC LIMIT 1) c`,
      want,
    );
    for (const id of want) this.#last.set(id, NONE);
    for (const r of rows) this.#last.set(r.id, { start: r.start, end: r.end });
  }

  /** Stores a times column to be shared by chunks (in the scope's transaction); returns its id. */
  async insertTimes(s: Scope, ts: Float64Array, bytes: Uint8Array): Promise<number> {
    const row = await s.get<{ id: number }>(
      'INSERT INTO ts_times (count, end_ts, data) VALUES (?, ?, ?) RETURNING id',
      ts.length,
      ts[ts.length - 1],
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length),
    );
    return (row as { id: number }).id;
  }

  async #timesOf(s: Scope, id: number): Promise<Float64Array> {
    let ts = this.#times.get(id);
    if (ts) return ts;
    const row = await s.get<{ count: number; data: Uint8Array }>(
      'SELECT count, data FROM ts_times WHERE id = ?',
      id,
    );
    if (!row) throw new Error(`time-series chunk refers to times ${id}, which is missing`);
    ts = decodeTimes(row.data, row.count);
    if (this.#times.size >= TIMES_CACHE) this.#times.delete(this.#times.keys().next().value as number);
    this.#times.set(id, ts);
    return ts;
  }

  /** The raw samples of a chunk that has them. */
  async decode(s: Scope, row: PgChunkRow): Promise<{ ts: Float64Array; values: Float64Array }> {
    const times = row.times_id === null ? undefined : await this.#timesOf(s, row.times_id);
    return decodeChunk(row.data as Uint8Array, times);
  }

  /** A stored chunk as a run of raw samples, or its rollup buckets when the raw samples were dropped. */
  async content(s: Scope, row: PgChunkRow): Promise<ChunkContent> {
    if (row.data) return { run: await this.decode(s, row) };
    return { buckets: row.rollup ? decodeBuckets(row.rollup) : [] };
  }

  /**
   * Stores a run sorted by time without repeated timestamps (in the scope's transaction): samples after the
   * series' last chunk become a new chunk (referring to the times column `share` gives, if any), earlier ones
   * are merged into the chunks covering them. Returns how many were merged and how many chunks were written.
   * With `inserts`, the new chunk joins them (the caller flushes them in the same transaction).
   */
  async write(
    s: Scope,
    seriesId: number,
    ts: Float64Array,
    values: Float64Array,
    bucketMs: number,
    share?: (ts: Float64Array) => Promise<number | undefined>,
    inserts?: ChunkInserts,
  ): Promise<{ merged: number; chunks: number }> {
    const n = ts.length;
    if (n === 0) return { merged: 0, chunks: 0 };
    const last = await this.#lastChunk(s, seriesId);
    let split = 0;
    if (last) while (split < n && (ts[split] as number) <= last.end) split++;
    if (split > 0) {
      // The chunk that takes them may be one of those waiting to be inserted.
      await inserts?.flush(s);
      await this.#mergeLate(s, seriesId, ts.subarray(0, split), values.subarray(0, split), bucketMs);
    }
    if (split === n) return { merged: split, chunks: 0 };
    const t = ts.subarray(split);
    const v = values.subarray(split);
    const start = t[0] as number;
    const end = t[t.length - 1] as number;
    const timesId = await share?.(t);
    const data = encodeChunk(t, v, { sharedTimes: timesId !== undefined });
    const row = {
      series: seriesId,
      start,
      end,
      count: t.length,
      data: Buffer.from(data.buffer, data.byteOffset, data.length),
      times: timesId ?? null,
    };
    if (inserts) inserts.rows.push(row);
    else
      await s.run(
        'INSERT INTO ts_chunks (series_id, start_ts, end_ts, count, data, times_id) VALUES (?, ?, ?, ?, ?, ?)',
        row.series,
        row.start,
        row.end,
        row.count,
        row.data,
        row.times,
      );
    this.#last.set(seriesId, { start, end });
    this.count++;
    return { merged: split, chunks: 1 };
  }

  async #mergeLate(
    s: Scope,
    seriesId: number,
    ts: Float64Array,
    values: Float64Array,
    bucketMs: number,
  ): Promise<void> {
    // The chunks that can take them: from the one holding the earliest late sample to the latest.
    const covering = await s.all<PgChunkRow>(
      `SELECT ${COLUMNS} FROM ts_chunks WHERE series_id = ? AND start_ts <= ? AND start_ts >= coalesce(
         (SELECT max(start_ts) FROM ts_chunks WHERE series_id = ? AND start_ts <= ?), ?)
       ORDER BY start_ts DESC`,
      seriesId,
      ts[ts.length - 1],
      seriesId,
      ts[0],
      ts[0],
    );
    const first =
      covering.length > 0
        ? undefined
        : await s.get<PgChunkRow>(
            `SELECT ${COLUMNS} FROM ts_chunks WHERE series_id = ? ORDER BY start_ts LIMIT 1`,
            seriesId,
          );
    for (const [row, lo, hi] of placeLate(ts, covering, () => first)) {
      const old = row.data ? await this.decode(s, row) : undefined;
      const m = mergeLate(row, old, ts.subarray(lo, hi), values.subarray(lo, hi), bucketMs);
      await s.run(
        'UPDATE ts_chunks SET start_ts = ?, end_ts = ?, count = ?, data = ?, rollup = ?, times_id = NULL WHERE id = ?',
        m.start,
        m.end,
        m.count,
        m.data && Buffer.from(m.data.buffer, m.data.byteOffset, m.data.length),
        m.rollup && Buffer.from(m.rollup.buffer, m.rollup.byteOffset, m.rollup.length),
        row.id,
      );
      const last = this.#last.get(seriesId);
      if (last && last.start === row.start_ts) last.start = m.start;
    }
  }

  /** Rows of a series overlapping [from, to], by start. */
  overlapping(s: Scope, seriesId: number, from: number, to: number): Promise<PgChunkRow[]> {
    return s.all<PgChunkRow>(
      `SELECT ${COLUMNS} FROM ts_chunks
       WHERE series_id = ? AND start_ts <= ? AND start_ts >= coalesce(
         (SELECT max(start_ts) FROM ts_chunks WHERE series_id = ? AND start_ts <= ?), ?)
       ORDER BY start_ts`,
      seriesId,
      to,
      seriesId,
      from,
      from,
    );
  }

  /** Samples stored for a series in chunks overlapping [from, to] (whole chunks: an upper bound). */
  async countIn(s: Scope, seriesId: number, from: number, to: number): Promise<number> {
    const row = await s.get<{ n: number }>(
      `SELECT coalesce(sum(count), 0) AS n FROM ts_chunks
       WHERE series_id = ? AND start_ts <= ? AND end_ts >= ? AND start_ts >= coalesce(
         (SELECT max(start_ts) FROM ts_chunks WHERE series_id = ? AND start_ts <= ?), ?)`,
      seriesId,
      to,
      from,
      seriesId,
      from,
      from,
    );
    return row?.n ?? 0;
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
