import type { SampleSink, SeriesRepo } from '../series.js';
import type { SampleWriter, TargetKind } from '../timeseries/types.js';
import type { Scope } from './connection.js';
import type { SqliteTimeSeries } from './timeseries/engine.js';

/** The time-series reads of the SQLite engine on a scope; deleting a target joins the scope's transaction. */
export class SqliteSeries implements SeriesRepo {
  readonly #reader;

  /**
   * `afterCommit`: how the scope runs what follows a commit (a unit's: when it commits; absent for the store,
   * whose calls commit on their own).
   */
  constructor(
    private readonly s: Scope,
    private readonly engine: SqliteTimeSeries,
    private readonly afterCommit?: (fn: () => void) => void,
  ) {
    this.#reader = engine.reader((fn) => s.run(fn));
  }

  listSeries(kind: TargetKind, target: string, metric?: string) {
    return this.#reader.listSeries(kind, target, metric);
  }

  seriesByMetric(metric: string, limit: number) {
    return this.#reader.seriesByMetric(metric, limit);
  }

  metricNames() {
    return this.#reader.metricNames();
  }

  read(seriesId: number, range: Parameters<SeriesRepo['read']>[1]) {
    return this.#reader.read(seriesId, range);
  }

  countPoints(seriesId: number, from: number, to: number) {
    return this.#reader.countPoints(seriesId, from, to);
  }

  async deleteTarget(kind: TargetKind, target: string): Promise<void> {
    const forget = await this.s.atomic(() => this.engine.deleteTargetRows(kind, target));
    // The head and chunk counts follow only a committed delete: a unit that rolls back keeps its samples.
    if (this.afterCommit) this.afterCommit(forget);
    else forget();
  }
}

/**
 * A unit of work's samples on the SQLite engine: staged straight into an engine writer (series ids resolved
 * inside the unit's transaction), written as one head-log record before the unit commits, published to the
 * head after the commit. The unit drives `mark`/`rollback` (savepoints), `persist`, `committed` and `abort`.
 */
export class UnitSamples implements SampleSink {
  #writer: SampleWriter | undefined;
  #open = true;
  /** What to do in memory once the unit has committed (a deleted target's head), in order. */
  readonly #after: (() => void)[] = [];

  constructor(private readonly engine: SqliteTimeSeries) {}

  #w(): SampleWriter {
    if (!this.#open) throw new Error('the samples of a finished unit of work were used');
    this.#writer ??= this.engine.writer();
    return this.#writer;
  }

  seriesOf(
    kind: TargetKind,
    target: string | number,
    metric: string,
    labels: Readonly<Record<string, string>> | undefined,
    unit: string | undefined,
  ): number {
    return this.#w().seriesOf(kind, target, metric, labels, unit);
  }

  get idsToken(): object {
    return this.#w().idsToken;
  }

  add(seriesId: number, ts: number, value: number): void {
    this.#w().add(seriesId, ts, value);
  }

  get size(): number {
    return this.#writer?.size ?? 0;
  }

  /** Runs `fn` once the unit has committed (dropped with a savepoint that fails, or with the unit). */
  afterCommit(fn: () => void): void {
    if (!this.#open) throw new Error('the samples of a finished unit of work were used');
    this.#after.push(fn);
  }

  mark(): { samples: number; after: number } {
    return { samples: this.#writer?.mark() ?? 0, after: this.#after.length };
  }

  /** A savepoint failed: its samples go, series ids it may have created are forgotten, its hooks dropped. */
  rollback(mark: { samples: number; after: number }): void {
    this.#writer?.rollback(mark.samples);
    this.#after.length = mark.after;
  }

  /** Writes the staged samples inside the unit's transaction, just before it commits. */
  persist(): void {
    this.#writer?.persist();
  }

  committed(): void {
    this.#open = false;
    this.#writer?.committed();
    for (const fn of this.#after.splice(0)) fn();
  }

  abort(): void {
    this.#open = false;
    this.#after.length = 0;
    this.#writer?.abort();
  }
}
