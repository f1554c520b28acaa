import { Counter, Gauge, Histogram } from 'prom-client';
import { addHealthCheck } from '../api/routes/health.js';
import type { Service } from './types.js';

const DAY_MS = 86_400_000;
/** How often retention runs (raw samples to rollups, then whole chunks out). */
const RETENTION_MS = 60_000;

/**
 * Time-series upkeep: seals due head chunks every `tsSealIntervalMs` (deleting the head-log records they
 * cover), applies retention every minute, and seals the whole head on a clean stop, so that the next start
 * has nothing to replay. Started before the link (stopped after it: no ingest is left when the head is sealed).
 */
export const timeseriesService: Service = {
  name: 'timeseries',
  async start(ctx) {
    const { config, logger } = ctx;
    const ts = ctx.store.timeseries;
    const registers = [ctx.metrics];
    const sealed = new Counter({
      name: 'outpost_hub_ts_chunks_sealed_total',
      help: 'Time-series chunks sealed from the head into storage',
      registers,
    });
    const merged = new Counter({
      name: 'outpost_hub_ts_late_samples_merged_total',
      help: 'Late samples merged into chunks sealed before they came',
      registers,
    });
    const sealSeconds = new Histogram({
      name: 'outpost_hub_ts_seal_seconds',
      help: 'Duration of one seal pass (all its transactions and the yields between them)',
      buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    const gauge = (name: string, help: string, read: (s: ReturnType<typeof ts.stats>) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(ts.stats()));
        },
      });
    [
      gauge(
        'outpost_hub_ts_head_series',
        'Series with samples in the head (not yet sealed)',
        (s) => s.headSeries,
      ),
      gauge('outpost_hub_ts_head_samples', 'Samples in the head', (s) => s.headSamples),
      gauge('outpost_hub_ts_head_bytes', 'Memory held by the head (approximate)', (s) => s.headBytes),
      gauge('outpost_hub_ts_log_records', 'Head-log records on disk', (s) => s.logRows),
      gauge('outpost_hub_ts_log_bytes', 'Bytes of head-log records on disk', (s) => s.logBytes),
      gauge('outpost_hub_ts_chunks', 'Sealed chunks stored', (s) => s.chunks),
    ];

    // Opened before the hub serves (cluster/time-series.ts): this only makes sure of it.
    await ts.open();

    let sealing: Promise<void> | undefined;
    const seal = () => {
      if (sealing) return;
      const end = sealSeconds.startTimer();
      sealing = ts
        .seal()
        .then((r) => {
          sealed.inc(r.chunks);
          merged.inc(r.merged);
          if (r.chunks > 0) logger.debug(r, 'sealed time-series chunks');
        })
        .catch((err) => logger.error({ err }, 'sealing time-series chunks failed'))
        .finally(() => {
          end();
          sealing = undefined;
        });
    };
    let retaining: Promise<void> | undefined;
    const retain = () => {
      if (retaining) return;
      const now = ctx.clock();
      retaining = ts
        .retain({
          rawBefore: now - config.retentionRawDays * DAY_MS,
          rollupBefore: now - config.retentionRollupDays * DAY_MS,
        })
        .then((r) => {
          if (r.rolledUp || r.deleted) logger.info(r, 'time-series retention pass');
        })
        .catch((err) => logger.error({ err }, 'time-series retention failed'))
        .finally(() => {
          retaining = undefined;
        });
    };
    // A remote engine (a TSDB) has its own line in /api/v1/health: ingest stops acknowledging while it fails.
    const removeCheck = ts.health ? addHealthCheck(ctx, 'tsdb', ts.health) : undefined;
    const sealTimer = setInterval(seal, config.tsSealIntervalMs);
    sealTimer.unref();
    const retentionTimer = setInterval(retain, RETENTION_MS);
    retentionTimer.unref();
    return {
      async stop() {
        removeCheck?.();
        clearInterval(sealTimer);
        clearInterval(retentionTimer);
        await sealing;
        await retaining;
        const r = await ts.seal({ all: true });
        logger.info(r, 'time-series head sealed');
      },
    };
  },
};
