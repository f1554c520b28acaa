import type { SampleSink, SeriesRepo } from '../series.js';
import { encodeLogRecord } from '../timeseries/log-record.js';
import type { Point, ReadRange, SeriesInfo, TargetKind } from '../timeseries/types.js';
import type { Scope } from './connection.js';
import type { PgTimeSeries } from './timeseries/engine.js';

/** The time-series reads of the PostgreSQL engine on a scope; deleting a target joins the scope's transaction. */
export class PgSeries implements SeriesRepo {
  /**
   * `afterCommit`: how the scope runs what follows a commit (a unit's: when it commits; absent for the store,
   * whose calls commit on their own).
   */
  constructor(
    private readonly s: Scope,
    private readonly engine: PgTimeSeries,
    private readonly afterCommit?: (fn: () => void) => void,
  ) {}

  listSeries(kind: TargetKind, target: string, metric?: string): Promise<SeriesInfo[]> {
    return this.engine.catalog.list(this.s, kind, target, metric);
  }

  seriesByMetric(metric: string, limit: number): Promise<SeriesInfo[]> {
    return this.engine.catalog.byMetric(this.s, metric, limit);
  }

  metricNames(): Promise<{ name: string; unit: string | null; series: number }[]> {
    return this.engine.catalog.metricNames(this.s);
  }

  read(seriesId: number, range: ReadRange): Promise<Point[]> {
    return this.engine.read(this.s, seriesId, range);
  }

  countPoints(seriesId: number, from: number, to: number): Promise<number> {
    return this.engine.countPoints(this.s, seriesId, from, to);
  }

  async deleteTarget(kind: TargetKind, target: string): Promise<void> {
    const forget = await this.s.atomic((tx) => this.engine.deleteTargetRows(tx, kind, target));
    // The head and cached ids follow only a committed delete: a unit that rolls back keeps its samples.
    if (this.afterCommit) this.afterCommit(forget);
    else forget();
  }
}

// Timestamps must be integers that the chunk codec holds (|t| <= 2^50).
const MAX_TS = 2 ** 50;

/**
 * A unit of work's samples on PostgreSQL: staged in memory under cached or provisional series ids (see
 * PgSeriesCatalog), written as one head-log record in the unit's transaction just before it commits
 * (`persist`), joined to the head once it has committed. The unit drives `mark`/`rollback` (savepoints),
 * `persist`, `committed` and `abort`.
 */
export class PgUnitSamples implements SampleSink {
  readonly #ids: number[] = [];
  readonly #ts: number[] = [];
  readonly #values: number[] = [];
  readonly #after: (() => void)[] = [];
  #open = true;
  #record: { id: number; bytes: number; found: Map<number, number> } | undefined;

  constructor(private readonly engine: PgTimeSeries) {}

  #check(): void {
    if (!this.#open) throw new Error('the samples of a finished unit of work were used');
  }

  seriesOf(
    kind: TargetKind,
    target: string | number,
    metric: string,
    labels: Readonly<Record<string, string>> | undefined,
    unit: string | undefined,
  ): number {
    this.#check();
    return this.engine.catalog.resolveParts(kind, target, metric, labels, unit);
  }

  get idsToken(): object {
    return this.engine.catalog.idsToken;
  }

  add(seriesId: number, ts: number, value: number): void {
    this.#check();
    if (!(ts <= MAX_TS && ts >= -MAX_TS && Math.floor(ts) === ts)) {
      throw new RangeError(`sample ts: ${ts} is not an integer timestamp in epoch milliseconds`);
    }
    this.#ids.push(seriesId);
    this.#ts.push(ts);
    this.#values.push(value);
  }

  get size(): number {
    return this.#ids.length;
  }

  /** Runs `fn` once the unit has committed (dropped with a savepoint that fails, or with the unit). */
  afterCommit(fn: () => void): void {
    this.#check();
    this.#after.push(fn);
  }

  mark(): { samples: number; after: number } {
    return { samples: this.#ids.length, after: this.#after.length };
  }

  /** A savepoint failed: its samples and hooks go (series it named are created only for samples kept). */
  rollback(mark: { samples: number; after: number }): void {
    this.#ids.length = mark.samples;
    this.#ts.length = mark.samples;
    this.#values.length = mark.samples;
    this.#after.length = mark.after;
  }

  /** Writes the staged samples in the unit's transaction, as its last statements before COMMIT. */
  async persist(tx: Scope): Promise<void> {
    this.#check();
    if (this.#ids.length === 0) return;
    const found = await this.engine.catalog.settle(tx, this.#ids);
    const data = encodeLogRecord({
      ids: this.#ids,
      ts: this.#ts,
      values: this.#values,
      start: 0,
      end: this.#ids.length,
    });
    const id = await this.engine.writeLog(tx, data, this.#ids.length);
    this.#record = { id, bytes: data.length, found };
  }

  committed(): void {
    this.#open = false;
    const r = this.#record;
    if (r) {
      this.engine.catalog.learn(r.found);
      this.engine.committed(r.id, r.bytes, this.#ids, this.#ts, this.#values);
    }
    for (const fn of this.#after.splice(0)) fn();
  }

  abort(): void {
    this.#open = false;
    this.#after.length = 0;
    if (this.#record) this.engine.aborted(this.#record.id);
    this.#record = undefined;
  }
}
