import type { HubStore } from './port.js';
import type { SeriesKey } from './timeseries/types.js';

/** Test helper: stores samples as ingest does (one unit of work); readable once it resolves. */
export function storeSamples(
  store: HubStore,
  samples: readonly (SeriesKey & { ts: number; value: number })[],
): Promise<void> {
  return store.unit(async (tx) => {
    for (const s of samples)
      tx.samples.add(tx.samples.seriesOf(s.kind, s.target, s.metric, s.labels, s.unit), s.ts, s.value);
  });
}
