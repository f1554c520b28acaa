import { StoreError } from '../../errors.js';
import type { TimeSeriesUpkeep } from '../../series.js';
import { encodeBuckets, rollUp } from '../../timeseries/codec/index.js';
import { DEFAULT_HEAD_POLICY, Head, type HeadPolicy, type SeriesHead } from '../../timeseries/head.js';
import { HeadLogBook } from '../../timeseries/head-log.js';
import { readLogRecord } from '../../timeseries/log-record.js';
import { OnePassAtATime } from '../../timeseries/one-pass.js';
import { headChunksIn, headCount, readPoints } from '../../timeseries/read.js';
import { planSeal, type SharedTimes, sealedThrough, sharedTimesOf } from '../../timeseries/seal-plan.js';
import type {
  Point,
  ReadRange,
  RetentionOptions,
  RetentionReport,
  SealOptions,
  SealReport,
  TargetKind,
  TimeSeriesStats,
} from '../../timeseries/types.js';
import type { Scope } from '../connection.js';
import type { PgTimeSeriesLock } from '../time-series-lock.js';
import { PgSeriesCatalog } from './catalog.js';
import { ChunkInserts, type PgChunkRow, PgChunkTable } from './chunks.js';
import { PublishOrder } from './publish-order.js';

export interface PgTimeSeriesOptions {
  policy?: Partial<HeadPolicy>;
  /** Wall clock (ms): when head chunks were opened, for their age limit. */
  clock?: () => number;
  /** Series sealed per transaction; a seal pass yields to other work between transactions. */
  sealSeriesPerTransaction?: number;
  /** Width of the rollup buckets kept once raw samples expire. */
  bucketMs?: number;
  /** Called when a seal pass that has work starts (for logs). */
  onSealStart?: (series: number) => void;
  /** A head-log record that cannot be read is skipped and reported here. */
  onReplayError?: (logId: number, err: unknown) => void;
  /** The time-series lock (`writer`), claimed before the head is rebuilt, held until `release` (openPostgresStore). */
  lock?: PgTimeSeriesLock;
}

/**
 * The PostgreSQL time-series engine: the SQLite engine's design (hub/README.md "Time series") on bytea rows.
 * A head of recent samples in memory, backed by `ts_head_log` (one record per committed unit of work,
 * written in the unit's transaction); sealed chunks in `ts_chunks` compressed with the same codec. No table
 * has a row per sample. The head is rebuilt from the log when the engine is first used.
 *
 * Units of work run side by side on pooled connections, so head-log ids are taken in commit order: a unit
 * takes a transaction-level advisory lock just before it writes its record (held until it commits), and
 * records join the head in id order (PublishOrder). "Sealed through record R" then stays exact.
 *
 * The head, the sealed marks' bookkeeping and the log's trimming belong to one process: opening the head takes
 * the database's time-series lock exclusively (`lock`), so a second process is refused. One that loses the lock
 * while running writes nothing more (another may hold it by then) and tells its `onLost` listeners.
 */
export class PgTimeSeries implements TimeSeriesUpkeep {
  readonly catalog = new PgSeriesCatalog();
  readonly chunks = new PgChunkTable();
  readonly head: Head;
  readonly bucketMs: number;
  readonly #scope: Scope;
  readonly #clock: () => number;
  readonly #perTxn: number;
  readonly #opts: PgTimeSeriesOptions;
  readonly #log = new HeadLogBook();
  readonly #order = new PublishOrder();
  /** Highest head-log id in the head (or found at open): every record at or below it is in the head. */
  #lastLogId = 0;
  #opening: Promise<void> | undefined;
  readonly #sealing = new OnePassAtATime<SealReport>();
  #lastAgeScan = 0;
  #sealedTotal = 0;
  #replayed = 0;
  /** Why this process may no longer write: it lost the lock. */
  #lost: Error | undefined;

  constructor(scope: Scope, opts: PgTimeSeriesOptions = {}) {
    this.#scope = scope;
    this.#opts = opts;
    this.head = new Head({ ...DEFAULT_HEAD_POLICY, ...opts.policy });
    this.#clock = opts.clock ?? Date.now;
    this.#perTxn = Math.max(1, opts.sealSeriesPerTransaction ?? 256);
    this.bucketMs = opts.bucketMs ?? 300_000;
    opts.lock?.onLost((err) => {
      this.#lost = err;
    });
  }

  /** Called once if this process loses the lock it opened the head under (it then writes nothing more). */
  onLost(listener: (err: Error) => void): void {
    this.#opts.lock?.onLost(listener);
  }

  /** Frees the lock (after the last seal: a clean stop). */
  async release(): Promise<void> {
    await this.#opts.lock?.release();
  }

  #writable(): void {
    if (this.#lost)
      throw new StoreError('unavailable', `time series are not written: ${this.#lost.message}`, {
        cause: this.#lost,
      });
  }

  /** Rebuilds the head from the head log (once, on first use). */
  open(): Promise<void> {
    this.#opening ??= this.#open().catch((err) => {
      this.#opening = undefined;
      throw err;
    });
    return this.#opening;
  }

  async #open(): Promise<void> {
    const s = this.#scope;
    await this.#opts.lock?.claim();
    await this.chunks.countAll(s);
    const sealed = new Map<number, number>();
    for (const r of await s.all<{ id: number; sealed_log_id: number }>(
      'SELECT id, sealed_log_id FROM series',
    ))
      sealed.set(r.id, r.sealed_log_id);
    let last = (await s.get<{ id: number | null }>('SELECT max(id) AS id FROM ts_head_log'))?.id ?? 0;
    for (const through of sealed.values()) if (through > last) last = through;
    // Records read in pages by id: the log is bounded by sealing, but a page keeps memory flat.
    let after = 0;
    for (;;) {
      const rows = await s.all<{ id: number; written_at: number; data: Uint8Array }>(
        'SELECT id, written_at, data FROM ts_head_log WHERE id > ? ORDER BY id LIMIT 500',
        after,
      );
      for (const row of rows) {
        this.#log.track(row.id, row.data.length);
        try {
          readLogRecord(row.data, (sid, t, v) => {
            const through = sealed.get(sid);
            // Unknown: its target was deleted. At or below `through`: already in a sealed chunk.
            if (through === undefined || row.id <= through) return;
            this.head.append(sid, t, v, row.id, row.written_at);
            this.#replayed++;
          });
        } catch (err) {
          this.#opts.onReplayError?.(row.id, err);
        }
      }
      if (rows.length < 500) break;
      after = (rows[rows.length - 1] as { id: number }).id;
    }
    this.#lastLogId = last;
  }

  /**
   * Writes a unit's head-log record in its transaction (after the unit's other work: the lock is held only
   * from here to its commit); returns the record's id.
   */
  async writeLog(tx: Scope, data: Uint8Array, samples: number): Promise<number> {
    await this.open();
    this.#writable();
    await tx.run('SELECT pg_advisory_xact_lock(?)', HEAD_LOG_LOCK);
    const row = await tx.get<{ id: number }>(
      'INSERT INTO ts_head_log (written_at, samples, data) VALUES (?, ?, ?) RETURNING id',
      this.#clock(),
      samples,
      Buffer.from(data.buffer, data.byteOffset, data.length),
    );
    const id = (row as { id: number }).id;
    this.#order.written(id);
    return id;
  }

  /** The unit that wrote record `id` committed: its samples join the head (in record order). */
  committed(
    id: number,
    bytes: number,
    ids: readonly number[],
    ts: readonly number[],
    values: readonly number[],
  ) {
    this.#order.ready(id, () => {
      this.#log.track(id, bytes);
      const now = this.#clock();
      for (let i = 0; i < ids.length; i++) {
        this.head.append(ids[i] as number, ts[i] as number, values[i] as number, id, now);
      }
      if (id > this.#lastLogId) this.#lastLogId = id;
    });
  }

  /** The unit that wrote record `id` rolled back: the record is gone. */
  aborted(id: number): void {
    this.#order.dropped(id);
  }

  async read(s: Scope, seriesId: number, range: ReadRange): Promise<Point[]> {
    await this.open();
    const rows = await this.chunks.overlapping(s, seriesId, range.from, range.to);
    const stored = [];
    for (const row of rows) stored.push(await this.chunks.content(s, row));
    const head = headChunksIn(this.head.get(seriesId)?.chunks, range.from, range.to);
    return readPoints(stored, head, range, this.bucketMs);
  }

  async countPoints(s: Scope, seriesId: number, from: number, to: number): Promise<number> {
    await this.open();
    const n = await this.chunks.countIn(s, seriesId, from, to);
    return n + headCount(this.head.get(seriesId)?.chunks, from, to);
  }

  /**
   * Deletes a target's series and chunks in the scope's transaction; returns what to forget in memory, to be
   * called once that transaction has committed (never when it rolls back).
   */
  async deleteTargetRows(s: Scope, kind: TargetKind, target: string): Promise<() => void> {
    await this.open();
    this.#writable();
    const ids = (
      await s.all<{ id: number }>(
        'DELETE FROM series WHERE target_kind = ? AND target_id = ? RETURNING id',
        kind,
        target,
      )
    ).map((r) => r.id);
    let chunks = 0;
    if (ids.length > 0) chunks = await s.run('DELETE FROM ts_chunks WHERE series_id = ANY(?::bigint[])', ids);
    return () => {
      this.chunks.count -= chunks;
      for (const id of ids) {
        this.chunks.forget(id);
        this.head.drop(id);
      }
      this.catalog.forget(ids);
    };
  }

  async seal(opts: SealOptions = {}): Promise<SealReport> {
    await this.open();
    this.#writable();
    return this.#sealing.run(() => this.#sealPass(opts));
  }

  async #sealPass(opts: SealOptions): Promise<SealReport> {
    const now = this.#clock();
    const all = opts.all === true;
    const scanAge = all || now - this.#lastAgeScan >= Math.min(60_000, this.head.policy.maxAgeMs / 10);
    if (scanAge) this.#lastAgeScan = now;
    const due = this.head.dueSeries(now, { all, scanAge });
    const report: SealReport = { series: 0, chunks: 0, samples: 0, merged: 0, logRowsDeleted: 0 };
    if (due.length > 0) this.#opts.onSealStart?.(due.length);
    const shared: SharedTimes = new Map();
    for (let i = 0; i < due.length; i += this.#perTxn) {
      this.#writable();
      const slice = due.slice(i, i + this.#perTxn);
      // Records at or below it are all in the head (later ones, in flight, are not sealed through).
      const lastLogId = this.#lastLogId;
      const done: [SeriesHead, number][] = [];
      const before = this.chunks.count;
      try {
        await this.#scope.atomic(async (tx) => {
          const work = planSeal(this.head, slice, shared);
          if (work.length === 0) return;
          // Sealed marks first, in one statement: a series deleted meanwhile is not there and gets no chunks.
          const alive = new Set(
            (
              await tx.all<{ id: number }>(
                `UPDATE series SET sealed_log_id = m.through FROM unnest(?::bigint[], ?::bigint[]) AS m(id, through)
                 WHERE series.id = m.id RETURNING series.id AS id`,
                work.map((w) => w.s.id),
                work.map((w) => sealedThrough(w.s, w.runs.length, lastLogId)),
              )
            ).map((r) => r.id),
          );
          await this.chunks.prefetchLast(tx, [...alive]);
          const inserts = new ChunkInserts();
          for (const w of work) {
            if (!alive.has(w.s.id)) continue;
            for (const run of w.runs) {
              const share = async (t: Float64Array) => {
                const entry = sharedTimesOf(shared, run, t);
                if (!entry) return undefined;
                entry.id ??= await this.chunks.insertTimes(tx, run.ts, entry.bytes);
                return entry.id;
              };
              const r = await this.chunks.write(
                tx,
                w.s.id,
                run.ts,
                run.values,
                this.bucketMs,
                share,
                inserts,
              );
              report.chunks += r.chunks;
              report.merged += r.merged;
              report.samples += run.ts.length;
            }
            done.push([w.s, w.runs.length]);
          }
          await inserts.flush(tx);
        });
      } catch (err) {
        // Nothing of the transaction is stored: cached chunk facts and shared times ids may be wrong.
        this.chunks.count = before;
        this.chunks.forgetAll();
        for (const e of shared.values()) e.id = undefined;
        throw err;
      }
      // Committed: the head forgets what the chunks now hold (in the same turn, before any read).
      for (const [s, n] of done) this.head.sealed(s, n);
      report.series += done.length;
    }
    report.logRowsDeleted = await this.#trimLog();
    this.#sealedTotal += report.chunks;
    return report;
  }

  /** Deletes head-log records whose samples are all sealed. */
  async #trimLog(): Promise<number> {
    const frontier = this.head.frontier(this.#lastLogId);
    const n = this.#log.before(frontier);
    if (n === 0) return 0;
    await this.#scope.run('DELETE FROM ts_head_log WHERE id < ?', frontier);
    this.#log.drop(n);
    return n;
  }

  async retain(opts: RetentionOptions): Promise<RetentionReport> {
    await this.open();
    this.#writable();
    const s = this.#scope;
    let rolledUp = 0;
    for (;;) {
      const n = await s.atomic(async (tx) => {
        const rows = await tx.all<PgChunkRow>(
          `SELECT id, start_ts, end_ts, count, data, rollup, times_id FROM ts_chunks
           WHERE data IS NOT NULL AND end_ts < ? LIMIT ? FOR UPDATE SKIP LOCKED`,
          opts.rawBefore,
          this.#perTxn,
        );
        for (const r of rows) {
          const { ts, values } = await this.chunks.decode(tx, r);
          const buckets = encodeBuckets(rollUp(ts, values, this.bucketMs));
          await tx.run(
            'UPDATE ts_chunks SET data = NULL, rollup = ?, times_id = NULL WHERE id = ?',
            Buffer.from(buckets.buffer, buckets.byteOffset, buckets.length),
            r.id,
          );
        }
        return rows.length;
      });
      if (n === 0) break;
      rolledUp += n;
    }
    // Shared times end where the chunks that use them end: past raw retention, none of those has raw samples.
    if ((await s.run('DELETE FROM ts_times WHERE end_ts < ?', opts.rawBefore)) > 0) this.chunks.forgetAll();
    let deleted = 0;
    for (const raw of [false, true]) {
      for (;;) {
        const n = await s.run(
          `DELETE FROM ts_chunks WHERE id IN (SELECT id FROM ts_chunks WHERE data IS ${raw ? 'NOT ' : ''}NULL
           AND end_ts < ? LIMIT 1000)`,
          opts.rollupBefore,
        );
        // A series' last chunk may be gone: its cached end no longer says what is late.
        if (n > 0) this.chunks.forgetAll();
        deleted += n;
        this.chunks.count -= n;
        if (n < 1000) break;
      }
    }
    return { rolledUp, deleted };
  }

  stats(): TimeSeriesStats {
    return {
      headSeries: this.head.seriesCount,
      headSamples: this.head.sampleCount,
      headBytes: this.head.bytes,
      logRows: this.#log.rows,
      logBytes: this.#log.bytes,
      chunks: this.chunks.count,
      sealedTotal: this.#sealedTotal,
      replayedSamples: this.#replayed,
    };
  }

  async close(): Promise<void> {
    if (!this.#opening || this.#lost) return;
    await this.seal({ all: true });
  }
}

/** The advisory lock under which head-log records are written (any constant, the same in every hub). */
const HEAD_LOG_LOCK = 0x6f75_7473; // 'outs'
