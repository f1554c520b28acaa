import { StoreError } from '../errors.js';
import type { SampleSink, SeriesRepo, TimeSeriesUpkeep } from '../series.js';
import type { TimeSeriesStats } from '../timeseries/types.js';

/**
 * The time series on PostgreSQL is not built yet: the chunk engine (store/sqlite/timeseries) runs on SQLite
 * only. Every call says so instead of answering as if there were no samples; openStore does not open this
 * engine for the hub until it is built.
 */
const notBuilt = () =>
  new StoreError(
    'unavailable',
    'the time series on PostgreSQL is not built yet; use SQLite (databaseUrl unset)',
  );

export class PgSeries implements SeriesRepo {
  listSeries(): Promise<never> {
    return Promise.reject(notBuilt());
  }
  seriesByMetric(): Promise<never> {
    return Promise.reject(notBuilt());
  }
  metricNames(): Promise<never> {
    return Promise.reject(notBuilt());
  }
  read(): Promise<never> {
    return Promise.reject(notBuilt());
  }
  countPoints(): Promise<never> {
    return Promise.reject(notBuilt());
  }
  deleteTarget(): Promise<never> {
    return Promise.reject(notBuilt());
  }
}

/** A unit of work's samples: refused (see PgSeries); a unit that stages none commits as usual. */
export class PgSamples implements SampleSink {
  readonly size = 0;
  readonly idsToken = {};
  seriesOf(): number {
    throw notBuilt();
  }
  add(): void {
    throw notBuilt();
  }
}

export class PgTimeSeriesUpkeep implements TimeSeriesUpkeep {
  open(): Promise<never> {
    return Promise.reject(notBuilt());
  }
  seal(): Promise<never> {
    return Promise.reject(notBuilt());
  }
  retain(): Promise<never> {
    return Promise.reject(notBuilt());
  }
  stats(): TimeSeriesStats {
    throw notBuilt();
  }
  async close(): Promise<void> {}
}
