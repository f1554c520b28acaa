/**
 * The time-series side of the hub's store, engine-neutral: the SQLite engine (store/sqlite/timeseries/) and
 * any later one (PostgreSQL) implement it and run the same contract test (contract.ts).
 *
 * Writes join the caller's transaction (the ingest unit of work that also records the batch's seq), so the
 * ack still means "stored"; reads are async and see one series across sealed chunks and recent samples.
 */

export type TargetKind = 'device' | 'camera' | 'agent';

/** What names a series. Labels are compared as canonical JSON (keys sorted). */
export interface SeriesKey {
  kind: TargetKind;
  target: string;
  metric: string;
  labels?: Readonly<Record<string, string>> | undefined;
  /** Kept from the first sample that created the series. */
  unit?: string | undefined;
}

export interface SeriesInfo {
  id: number;
  kind: TargetKind;
  target: string;
  metric: string;
  unit: string | null;
  labels: Record<string, string>;
}

export interface Point {
  /** Epoch milliseconds (the start of the step when aggregated). */
  t: number;
  v: number;
}

export interface ReadRange {
  /** Inclusive bounds, epoch milliseconds. */
  from: number;
  to: number;
  /** Average into steps of this width (aligned to multiples of it); raw points without it. */
  stepMs?: number | undefined;
}

/**
 * The samples of one unit of work. `series` and `add` stage; `persist` writes them inside the caller's
 * transaction; `committed` makes them readable once that transaction has committed (`abort` otherwise).
 * `mark`/`rollback` follow the caller's savepoints.
 */
export interface SampleWriter {
  /** The id of a series, created on first use (inside the caller's transaction). */
  series(key: SeriesKey): number;
  /**
   * The same without a key object, for the ingest hot path. `target` may be a number (a device or camera
   * id); label objects should be frozen when many samples share them (their canonical form is kept).
   * `site` is the site the batch came from: a TSDB labels series with it; the built-in engines ignore it.
   */
  seriesOf(
    kind: TargetKind,
    target: string | number,
    metric: string,
    labels: Readonly<Record<string, string>> | undefined,
    unit: string | undefined,
    site?: number,
  ): number;
  /**
   * An object that stays the same while every series id this store gave out still names the same series; a
   * new one after a rolled-back transaction (it may have created series) or a deleted target. Ids kept across
   * units of work (per series table of an agent) are valid while the token they were resolved under is.
   */
  readonly idsToken: object;
  /** Stages one sample. A later sample of the same series and timestamp replaces an earlier one. */
  add(seriesId: number, ts: number, value: number): void;
  /** Samples staged so far. */
  readonly size: number;
  mark(): number;
  rollback(mark: number): void;
  persist(): void;
  committed(): void;
  abort(): void;
}

export interface SealOptions {
  /** Seal every chunk of the head, full or not (clean shutdown, tests). */
  all?: boolean;
}

export interface SealReport {
  series: number;
  chunks: number;
  samples: number;
  /** Late samples merged into chunks sealed earlier. */
  merged: number;
  /** Head log records deleted (everything in them is in sealed chunks). */
  logRowsDeleted: number;
}

export interface RetentionOptions {
  /** Chunks whose last sample is older than this keep only their rollup buckets. */
  rawBefore: number;
  /** Chunks whose last sample is older than this are deleted. */
  rollupBefore: number;
}

export interface RetentionReport {
  rolledUp: number;
  deleted: number;
}

export interface TimeSeriesStats {
  headSeries: number;
  headSamples: number;
  headBytes: number;
  logRows: number;
  logBytes: number;
  chunks: number;
  sealedTotal: number;
  replayedSamples: number;
}

export interface TimeSeriesStore {
  /** Loads in-memory state now (the head, from the head log) instead of on first use. */
  open(): Promise<void>;
  /** Starts staging the samples of one unit of work. */
  writer(): SampleWriter;
  /** Series of a target (sorted by metric, then labels), optionally of one metric. */
  listSeries(kind: TargetKind, target: string, metric?: string): Promise<SeriesInfo[]>;
  /** Series of one metric across every target (ordered by target, then labels), at most `limit`. */
  seriesByMetric(metric: string, limit: number): Promise<SeriesInfo[]>;
  /** Every metric name stored, with a unit and how many series (targets, labels) report it, by name. */
  metricNames(): Promise<{ name: string; unit: string | null; series: number }[]>;
  /** Points of one series in a range: raw (last write wins per timestamp), or averaged into steps. */
  read(seriesId: number, range: ReadRange): Promise<Point[]>;
  /** How many raw points a read of the range would return (from chunk headers; no decoding). */
  countPoints(seriesId: number, from: number, to: number): Promise<number>;
  /** Deletes every series of a target with its samples; joins the caller's transaction. */
  deleteTarget(kind: TargetKind, target: string): void;
  /** Seals the head's due chunks (full, or open longer than the head's age limit) into stored chunks. */
  seal(opts?: SealOptions): Promise<SealReport>;
  /** Drops raw samples, then whole chunks, past retention. */
  retain(opts: RetentionOptions): Promise<RetentionReport>;
  stats(): TimeSeriesStats;
  /** Seals everything (the next start has nothing to replay). */
  close(): Promise<void>;
}
