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
} from './timeseries/types.js';

/** Reading the time series (engine: store/timeseries/types.ts); deleting a target's joins a unit of work. */
export interface SeriesRepo {
  /** Series of a target (sorted by metric, then labels), optionally of one metric. */
  listSeries(kind: TargetKind, target: string, metric?: string): Promise<SeriesInfo[]>;
  /** Series of one metric across every target, at most `limit`. */
  seriesByMetric(metric: string, limit: number): Promise<SeriesInfo[]>;
  /** Every metric with samples, with its unit and how many series carry it. */
  metricNames(): Promise<{ name: string; unit: string | null; series: number }[]>;
  /** Points of one series in a range: raw (last write wins per timestamp), or averaged into steps. */
  read(seriesId: number, range: ReadRange): Promise<Point[]>;
  /** How many raw points a read of the range would return. */
  countPoints(seriesId: number, from: number, to: number): Promise<number>;
  /** Deletes every series of a target with its samples (a deleted device or camera). */
  deleteTarget(kind: TargetKind, target: string): Promise<void>;
}

/**
 * The samples of one unit of work: staged with `add` under a series id from `seriesOf`, written when the unit
 * commits (in its transaction, with everything else it did), readable once it has committed; dropped with
 * it, or with a savepoint of it that fails. A later sample of the same series and timestamp replaces an
 * earlier one. `idsToken` says how long ids may be kept across units (see SampleWriter.idsToken).
 */
export type SampleSink = Pick<SampleWriter, 'seriesOf' | 'idsToken' | 'add' | 'size'>;

/** Upkeep of the time series, for the background service: the head, sealing, retention. */
export interface TimeSeriesUpkeep {
  /** Rebuilds in-memory state (the head, from the head log) now instead of on first use. */
  open(): Promise<void>;
  /** Seals due head chunks into stored chunks. */
  seal(opts?: SealOptions): Promise<SealReport>;
  /** Drops raw samples, then whole chunks, past retention. */
  retain(opts: RetentionOptions): Promise<RetentionReport>;
  stats(): TimeSeriesStats;
  /** Seals everything (a clean stop: the next start has nothing to replay). */
  close(): Promise<void>;
  /**
   * Called once when the process loses its exclusive use of a store shared with other processes (the
   * PostgreSQL engine's writer lock): it writes no more samples from then on. Absent where that cannot happen.
   */
  onLost?(listener: (err: Error) => void): void;
  /** Whether a remote engine (a TSDB) takes writes and answers queries, for /api/v1/health; absent when local. */
  health?(): Promise<{ ok: boolean; detail?: string }>;
}
