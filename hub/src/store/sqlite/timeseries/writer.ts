import type { SampleWriter, SeriesKey, TargetKind } from '../../timeseries/types.js';

/** What a writer needs from its engine. */
export interface WriterHost {
  resolve(
    kind: TargetKind,
    target: string | number,
    metric: string,
    labels: Readonly<Record<string, string>> | undefined,
    unit: string | undefined,
  ): number;
  /** The catalog's current ids token (SampleWriter.idsToken). */
  idsToken(): object;
  /** Writes the head-log record of samples [0, n) inside the caller's transaction; returns its id. */
  log(ids: readonly number[], ts: readonly number[], values: readonly number[]): number;
  /** After commit: the samples join the head under their record's id. */
  publish(logId: number, ids: readonly number[], ts: readonly number[], values: readonly number[]): void;
  /** A transaction (or savepoint) rolled back: cached series ids may name rows that no longer exist. */
  rolledBack(): void;
}

// Timestamps must be integers that the chunk codec holds (|t| <= 2^50).
const MAX_TS = 2 ** 50;

/** Stages one unit of work's samples; see SampleWriter. */
export class StagedWriter implements SampleWriter {
  readonly #ids: number[] = [];
  readonly #ts: number[] = [];
  readonly #values: number[] = [];
  #logId = 0;
  #done = false;

  constructor(private readonly host: WriterHost) {}

  series(key: SeriesKey): number {
    return this.host.resolve(key.kind, key.target, key.metric, key.labels, key.unit);
  }

  seriesOf(
    kind: TargetKind,
    target: string | number,
    metric: string,
    labels: Readonly<Record<string, string>> | undefined,
    unit: string | undefined,
  ): number {
    return this.host.resolve(kind, target, metric, labels, unit);
  }

  get idsToken(): object {
    return this.host.idsToken();
  }

  add(seriesId: number, ts: number, value: number): void {
    if (this.#done) throw new Error('this writer has already been persisted');
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

  mark(): number {
    return this.#ids.length;
  }

  rollback(mark: number): void {
    this.#ids.length = mark;
    this.#ts.length = mark;
    this.#values.length = mark;
    this.host.rolledBack();
  }

  persist(): void {
    if (this.#done) throw new Error('this writer has already been persisted');
    this.#done = true;
    if (this.#ids.length > 0) this.#logId = this.host.log(this.#ids, this.#ts, this.#values);
  }

  committed(): void {
    if (this.#logId > 0) this.host.publish(this.#logId, this.#ids, this.#ts, this.#values);
    this.#logId = 0;
  }

  abort(): void {
    this.#logId = 0;
    this.host.rolledBack();
  }
}
