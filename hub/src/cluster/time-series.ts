import type { HubContext } from '../context.js';
import { parseDatabaseUrl } from '../store/database-url.js';
import { isStoreError } from '../store/errors.js';
import { PgTimeSeriesLock } from '../store/postgres/time-series-lock.js';
import { tsdbEndpoints } from '../store/tsdb/index.js';

export interface TimeSeriesClaim {
  /** Frees what the hub holds for its time series (after the store's last write). */
  release(): Promise<void>;
}

/** How often a TSDB hub that lost its shared lock tries to take it again. */
const RECLAIM_MS = 5000;

/**
 * Opens the hub's time series before it serves anything. The built-in store's head is rebuilt from its log;
 * on PostgreSQL that first takes the database's time-series lock exclusively (store/postgres/time-series-lock.ts),
 * so a second hub without tsdbUrl on the same database is refused here, before it listens or writes. A hub with
 * tsdbUrl on PostgreSQL holds the same lock shared: any number of them run together, and a hub without tsdbUrl
 * (whose samples they would not see) is refused, as they are while one runs. `onLost` is told when the
 * built-in store's writer loses its lock while running (it then writes no more samples: the hub must restart).
 */
export async function openTimeSeries(
  ctx: HubContext,
  onLost: (err: Error) => void = () => {},
): Promise<TimeSeriesClaim> {
  const { logger, config } = ctx;
  const ts = ctx.store.timeseries;
  const started = performance.now();
  await ts.open();
  ts.onLost?.((err) => {
    logger.error(
      { err },
      'time series: this hub lost the lock of the built-in store; it writes no samples now',
    );
    onLost(err);
  });
  const target = parseDatabaseUrl(config.databaseUrl, config.dataDir);
  if (target.engine !== 'postgres' || !tsdbEndpoints(config)) {
    const s = ts.stats();
    logger.info(
      { samples: s.replayedSamples, records: s.logRows, ms: Math.round(performance.now() - started) },
      'time-series head rebuilt from the head log',
    );
    return { release: async () => {} };
  }
  const lock = new PgTimeSeriesLock(target.url, 'tsdb');
  await lock.claim();
  // Losing a shared lock endangers no data of this hub (its samples are in the TSDB): it only stops keeping a
  // hub without tsdbUrl out, so it is taken again in the background.
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const reclaim = () => {
    timer = setTimeout(() => {
      if (stopped) return;
      lock.claim().then(
        () => logger.info("time series: took the TSDB hubs' lock of the database again"),
        (err) => {
          if (isStoreError(err, 'busy')) logger.error({ err }, err.message);
          else logger.warn({ err }, "time series: taking the TSDB hubs' lock again failed; retrying");
          reclaim();
        },
      );
    }, RECLAIM_MS);
    timer.unref();
  };
  lock.onLost((err) => {
    if (stopped) return;
    logger.warn({ err }, "time series: lost the TSDB hubs' lock of the database; taking it again");
    reclaim();
  });
  return {
    async release() {
      stopped = true;
      clearTimeout(timer);
      await lock.release();
    },
  };
}
