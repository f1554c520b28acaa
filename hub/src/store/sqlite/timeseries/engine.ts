import { encodeBuckets, rollUp } from '../../timeseries/codec/index.js';
import { DEFAULT_HEAD_POLICY, Head, type HeadPolicy, type SeriesHead } from '../../timeseries/head.js';
import { HeadLogBook } from '../../timeseries/head-log.js';
import { encodeLogRecord, readLogRecord } from '../../timeseries/log-record.js';
import { OnePassAtATime } from '../../timeseries/one-pass.js';
import { headChunksIn, headCount, readPoints } from '../../timeseries/read.js';
import {
  planSeal,
  type SealWork,
  type SharedTimes,
  sealedThrough,
  sharedTimesOf,
} from '../../timeseries/seal-plan.js';
import type {
  Point,
  ReadRange,
  RetentionOptions,
  RetentionReport,
  SampleWriter,
  SealOptions,
  SealReport,
  SeriesInfo,
  TargetKind,
  TimeSeriesStats,
  TimeSeriesStore,
} from '../../timeseries/types.js';
import type { Db } from '../connection.js';
import { SeriesCatalog } from './catalog.js';
import { type ChunkRow, ChunkTable } from './chunks.js';
import { StagedWriter } from './writer.js';

export interface SqliteTimeSeriesOptions {
  /**
   * Runs work on the connection when no unit of work of the store holds it (SqliteStore.run): the engine's
   * own transactions (sealing, retention) and its reads never land inside another unit's transaction.
   */
  run?: <T>(fn: () => T) => Promise<T>;
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
}

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The SQLite time-series engine (hub/README.md "Time series"): a head of recent samples in memory backed by
 * a head log (`ts_head_log`, one record per committed unit of work, written in the caller's transaction),
 * and sealed chunks (`ts_chunks`, one row per series and span of time, compressed with the chunk codec).
 * No table has a row per sample. The head is rebuilt from the log when the engine is first used.
 */
export class SqliteTimeSeries implements TimeSeriesStore {
  readonly #db: Db;
  readonly #catalog: SeriesCatalog;
  readonly #chunks: ChunkTable;
  readonly #head: Head;
  readonly #clock: () => number;
  readonly #perTxn: number;
  readonly #bucketMs: number;
  readonly #opts: SqliteTimeSeriesOptions;
  readonly #run: <T>(fn: () => T) => Promise<T>;
  readonly #insertLog;
  readonly #deleteLog;
  /** Head-log records present. */
  readonly #log = new HeadLogBook();
  #lastLogId = 0;
  #opened = false;
  readonly #sealing = new OnePassAtATime<SealReport>();
  #lastAgeScan = 0;
  #sealedTotal = 0;
  #replayed = 0;
  /** The head-log record written by the unit of work in progress: [id, bytes]. */
  #pendingLog: [number, number] | undefined;

  constructor(db: Db, opts: SqliteTimeSeriesOptions = {}) {
    this.#db = db;
    this.#opts = opts;
    this.#run = opts.run ?? (async (fn) => fn());
    this.#catalog = new SeriesCatalog(db);
    this.#chunks = new ChunkTable(db);
    this.#head = new Head({ ...DEFAULT_HEAD_POLICY, ...opts.policy });
    this.#clock = opts.clock ?? Date.now;
    this.#perTxn = Math.max(1, opts.sealSeriesPerTransaction ?? 256);
    this.#bucketMs = opts.bucketMs ?? 300_000;
    this.#insertLog = db.prepare(
      'INSERT INTO ts_head_log (id, written_at, samples, data) VALUES (?, ?, ?, ?)',
    );
    this.#deleteLog = db.prepare('DELETE FROM ts_head_log WHERE id < ?');
  }

  open(): Promise<void> {
    return this.#run(() => this.#open());
  }

  /** Rebuilds the head from the head log (once, on first use). */
  #open(): void {
    if (this.#opened) return;
    this.#opened = true;
    this.#chunks.countAll();
    const sealed = this.#catalog.sealedLogIds();
    let last = (this.#db.prepare('SELECT max(id) FROM ts_head_log').pluck().get() as number | null) ?? 0;
    for (const through of sealed.values()) if (through > last) last = through;
    this.#lastLogId = last;
    const rows = this.#db.prepare('SELECT id, written_at, data FROM ts_head_log ORDER BY id');
    for (const row of rows.iterate() as Iterable<{ id: number; written_at: number; data: Uint8Array }>) {
      this.#log.track(row.id, row.data.length);
      try {
        readLogRecord(row.data, (sid, t, v) => {
          const through = sealed.get(sid);
          // Unknown: its target was deleted. At or below `through`: already in a sealed chunk.
          if (through === undefined || row.id <= through) return;
          this.#head.append(sid, t, v, row.id, row.written_at);
          this.#replayed++;
        });
      } catch (err) {
        this.#opts.onReplayError?.(row.id, err);
      }
    }
  }

  writer(): SampleWriter {
    this.#open();
    return new StagedWriter({
      resolve: (kind, target, metric, labels, unit) =>
        this.#catalog.resolveParts(kind, target, metric, labels, unit, this.#lastLogId),
      idsToken: () => this.#catalog.idsToken,
      log: (ids, ts, values) => {
        const id = ++this.#lastLogId;
        const data = encodeLogRecord({ ids, ts, values, start: 0, end: ids.length });
        this.#insertLog.run(id, this.#clock(), ids.length, data);
        this.#pendingLog = [id, data.length];
        return id;
      },
      publish: (logId, ids, ts, values) => {
        if (this.#pendingLog?.[0] === logId) this.#log.track(logId, this.#pendingLog[1]);
        this.#pendingLog = undefined;
        const now = this.#clock();
        for (let i = 0; i < ids.length; i++) {
          this.#head.append(ids[i] as number, ts[i] as number, values[i] as number, logId, now);
        }
      },
      rolledBack: () => {
        this.#pendingLog = undefined;
        this.#catalog.clearCache();
      },
    });
  }

  listSeries(kind: TargetKind, target: string, metric?: string): Promise<SeriesInfo[]> {
    return this.reader(this.#run).listSeries(kind, target, metric);
  }

  seriesByMetric(metric: string, limit: number): Promise<SeriesInfo[]> {
    return this.reader(this.#run).seriesByMetric(metric, limit);
  }

  metricNames(): Promise<{ name: string; unit: string | null; series: number }[]> {
    return this.reader(this.#run).metricNames();
  }

  read(seriesId: number, range: ReadRange): Promise<Point[]> {
    return this.reader(this.#run).read(seriesId, range);
  }

  /**
   * The read methods, each run through `run`: the store's (waits while a unit of work holds the connection)
   * or a unit's own (at once, inside its transaction).
   */
  reader(run: <T>(fn: () => T) => Promise<T>) {
    return {
      listSeries: (kind: TargetKind, target: string, metric?: string): Promise<SeriesInfo[]> =>
        run(() => this.#catalog.list(kind, target, metric)),
      seriesByMetric: (metric: string, limit: number): Promise<SeriesInfo[]> =>
        run(() => this.#catalog.byMetric(metric, limit)),
      metricNames: (): Promise<{ name: string; unit: string | null; series: number }[]> =>
        run(() => this.#catalog.metricNames()),
      read: (seriesId: number, range: ReadRange): Promise<Point[]> => run(() => this.#read(seriesId, range)),
      countPoints: (seriesId: number, from: number, to: number): Promise<number> =>
        run(() => this.#countPoints(seriesId, from, to)),
    };
  }

  #read(seriesId: number, range: ReadRange): Point[] {
    this.#open();
    const { from, to } = range;
    const stored = this.#chunks.overlapping(seriesId, from, to).map((row) => this.#chunks.content(row));
    const head = headChunksIn(this.#head.get(seriesId)?.chunks, from, to);
    return readPoints(stored, head, range, this.#bucketMs);
  }

  countPoints(seriesId: number, from: number, to: number): Promise<number> {
    return this.reader(this.#run).countPoints(seriesId, from, to);
  }

  #countPoints(seriesId: number, from: number, to: number): number {
    this.#open();
    return this.#chunks.countIn(seriesId, from, to) + headCount(this.#head.get(seriesId)?.chunks, from, to);
  }

  deleteTarget(kind: TargetKind, target: string): void {
    this.deleteTargetRows(kind, target)();
  }

  /**
   * Deletes a target's series and chunks in the caller's transaction and returns what to forget in memory
   * (head, chunk counts): to be called once that transaction has committed, never when it rolls back.
   */
  deleteTargetRows(kind: TargetKind, target: string): () => void {
    this.#open();
    const del = this.#db.prepare('DELETE FROM ts_chunks WHERE series_id = ?');
    const gone: [number, number][] = [];
    for (const id of this.#catalog.deleteTarget(kind, target)) gone.push([id, del.run(id).changes]);
    return () => {
      for (const [id, chunks] of gone) {
        this.#chunks.count -= chunks;
        this.#chunks.forget(id);
        this.#head.drop(id);
      }
    };
  }

  async seal(opts: SealOptions = {}): Promise<SealReport> {
    await this.open();
    return this.#sealing.run(() => this.#sealPass(opts));
  }

  async #sealPass(opts: SealOptions): Promise<SealReport> {
    const now = this.#clock();
    const all = opts.all === true;
    const scanAge = all || now - this.#lastAgeScan >= Math.min(60_000, this.#head.policy.maxAgeMs / 10);
    if (scanAge) this.#lastAgeScan = now;
    const due = this.#head.dueSeries(now, { all, scanAge });
    const report: SealReport = { series: 0, chunks: 0, samples: 0, merged: 0, logRowsDeleted: 0 };
    if (due.length > 0) this.#opts.onSealStart?.(due.length);
    // Timestamp columns stored during this pass, reused by its later transactions.
    const shared: SharedTimes = new Map();
    for (let i = 0; i < due.length; i += this.#perTxn) {
      const slice = due.slice(i, i + this.#perTxn);
      await this.#run(() => {
        const done: [SeriesHead, number][] = [];
        this.#db.transaction(() => {
          const work = planSeal(this.#head, slice, shared);
          for (const w of work) {
            this.#sealSeries(w, shared, report);
            done.push([w.s, w.runs.length]);
          }
        })();
        // Committed: the head forgets what the chunks now hold (in the same turn, before any read).
        for (const [s, n] of done) this.#head.sealed(s, n);
        report.series += done.length;
      });
      if (i + this.#perTxn < due.length) await yieldTurn();
    }
    report.logRowsDeleted = await this.#run(() => this.#trimLog());
    this.#sealedTotal += report.chunks;
    return report;
  }

  /** Writes the closed chunks of one series (inside the pass's transaction). */
  #sealSeries(w: SealWork, shared: SharedTimes, report: SealReport): void {
    for (const run of w.runs) {
      const share = (t: Float64Array) => {
        const entry = sharedTimesOf(shared, run, t);
        if (!entry) return undefined;
        entry.id ??= this.#chunks.insertTimes(run.ts, entry.bytes);
        return entry.id;
      };
      const r = this.#chunks.write(w.s.id, run.ts, run.values, this.#bucketMs, share);
      report.chunks += r.chunks;
      report.merged += r.merged;
      report.samples += run.ts.length;
    }
    this.#catalog.setSealed(w.s.id, sealedThrough(w.s, w.runs.length, this.#lastLogId));
  }

  /** Deletes head-log records whose samples are all sealed. */
  #trimLog(): number {
    const frontier = this.#head.frontier(this.#lastLogId);
    const n = this.#log.before(frontier);
    if (n === 0) return 0;
    this.#deleteLog.run(frontier);
    this.#log.drop(n);
    return n;
  }

  async retain(opts: RetentionOptions): Promise<RetentionReport> {
    await this.open();
    const db = this.#db;
    const pick = db.prepare(
      'SELECT id, start_ts, end_ts, count, data, rollup, times_id FROM ts_chunks WHERE data IS NOT NULL AND end_ts < ? LIMIT ?',
    );
    const setRollup = db.prepare(
      'UPDATE ts_chunks SET data = NULL, rollup = ?, times_id = NULL WHERE id = ?',
    );
    let rolledUp = 0;
    for (;;) {
      const n = await this.#run(() => {
        const rows = pick.all(opts.rawBefore, this.#perTxn) as ChunkRow[];
        db.transaction(() => {
          for (const r of rows) {
            const { ts, values } = this.#chunks.decode(r);
            setRollup.run(encodeBuckets(rollUp(ts, values, this.#bucketMs)), r.id);
          }
        })();
        return rows.length;
      });
      if (n === 0) break;
      rolledUp += n;
      await yieldTurn();
    }
    // Shared times end where the chunks that use them end: past raw retention, none of those has raw samples.
    await this.#run(() => {
      if (db.prepare('DELETE FROM ts_times WHERE end_ts < ?').run(opts.rawBefore).changes > 0)
        this.#chunks.forgetAll();
    });
    const drops = [
      db.prepare(
        'DELETE FROM ts_chunks WHERE id IN (SELECT id FROM ts_chunks WHERE data IS NULL AND end_ts < ? LIMIT 1000)',
      ),
      db.prepare(
        'DELETE FROM ts_chunks WHERE id IN (SELECT id FROM ts_chunks WHERE data IS NOT NULL AND end_ts < ? LIMIT 1000)',
      ),
    ];
    let deleted = 0;
    for (const drop of drops) {
      for (;;) {
        const n = await this.#run(() => {
          const changes = drop.run(opts.rollupBefore).changes;
          // A series' last chunk may be gone: its cached end no longer says what is late.
          if (changes > 0) this.#chunks.forgetAll();
          return changes;
        });
        deleted += n;
        this.#chunks.count -= n;
        if (n < 1000) break;
        await yieldTurn();
      }
    }
    return { rolledUp, deleted };
  }

  stats(): TimeSeriesStats {
    return {
      headSeries: this.#head.seriesCount,
      headSamples: this.#head.sampleCount,
      headBytes: this.#head.bytes,
      logRows: this.#log.rows,
      logBytes: this.#log.bytes,
      chunks: this.#chunks.count,
      sealedTotal: this.#sealedTotal,
      replayedSamples: this.#replayed,
    };
  }

  async close(): Promise<void> {
    if (!this.#opened) return;
    await this.seal({ all: true });
  }
}
