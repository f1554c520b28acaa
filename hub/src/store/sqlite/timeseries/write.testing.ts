import type { SeriesKey, TimeSeriesStore } from '../../timeseries/types.js';
import type { Db } from '../connection.js';

/** Test helper: stores samples as ingest does (one unit of work), readable once it returns. */
export function storeSamples(
  hub: { db: Db; timeseries: TimeSeriesStore },
  samples: readonly (SeriesKey & { ts: number; value: number })[],
): void {
  const w = hub.timeseries.writer();
  hub.db.transaction(() => {
    for (const s of samples) w.add(w.series(s), s.ts, s.value);
    w.persist();
  })();
  w.committed();
}
