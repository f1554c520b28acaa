import type { SeriesRepo } from '../store/series.js';

/** Metrics the IF-MIB profile labels with both `if_index` and `if_name`, most likely present first. */
const LABELLED = ['if_oper_status', 'if_in_bps'];

/**
 * The name of a device's interface as its polls reported it (the series of the IF-MIB profile carry
 * `if_index` and `if_name`), or undefined when the hub has never polled that interface.
 */
export async function interfaceName(
  timeseries: Pick<SeriesRepo, 'listSeries'>,
  deviceId: number,
  ifIndex: string,
): Promise<string | undefined> {
  for (const metric of LABELLED) {
    const s = (await timeseries.listSeries('device', String(deviceId), metric)).find(
      (x) => x.labels.if_index === ifIndex && x.labels.if_name,
    );
    if (s) return s.labels.if_name;
  }
  return undefined;
}
