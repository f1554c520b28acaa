import { prunePass, retentionCutoffs } from '../retention/plan.js';
import type { Service } from './types.js';

/**
 * Bounded growth: every `pruneIntervalS`, deletes what the retention settings no longer keep (audit, agent
 * events, finished jobs, resolved alerts, notifications, the delivery ledger, old API keys), in batches of
 * `pruneBatchRows` with a pause between them so that ingest never waits long (hub/README.md "Retention").
 */
export const retentionService: Service = {
  name: 'retention',
  singleton: true,
  async start(ctx) {
    const log = ctx.logger.child({ part: 'retention' });
    let running: Promise<void> | null = null;
    const pass = () => {
      if (running) return running;
      running = prunePass(ctx.store.retention, retentionCutoffs(ctx.config, ctx.clock()), {
        batchRows: ctx.config.pruneBatchRows,
      })
        .then((removed) => {
          if (Object.keys(removed).length > 0) log.info({ removed }, 'pruned rows past their retention');
        })
        .catch((err: unknown) => log.error({ err }, 'pruning failed'))
        .finally(() => {
          running = null;
        });
      return running;
    };
    const timer = setInterval(pass, ctx.config.pruneIntervalS * 1000);
    timer.unref();
    // The first pass shortly after start, not during it (migrations and the link come first).
    const first = setTimeout(pass, 5_000);
    first.unref();
    return {
      async stop() {
        clearInterval(timer);
        clearTimeout(first);
        await running;
      },
    };
  },
};
