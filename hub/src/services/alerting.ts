import { startAlerting } from '../alerts/alerting.js';
import { alertSettings } from '../alerts/settings.js';
import { addHealthCheck } from '../api/routes/health.js';
import type { Service } from './types.js';

/** The alert engine, notification planning and delivery (see docs/alerting.md). */
export const alertingService: Service = {
  name: 'alerting',
  singleton: true,
  async start(ctx) {
    // On PostgreSQL another hub may have led until now: start from the stored state of every target.
    const alerting = await startAlerting(ctx, alertSettings(ctx.config), {
      replayState: ctx.store.engine === 'postgres',
    });
    const removeCheck = addHealthCheck(ctx, 'notifications', async () => {
      const r = await ctx.store.notifications.pending();
      // A notice waiting for more than an hour means a channel keeps failing.
      const stuck = r.oldest !== null && ctx.clock() - r.oldest > 3_600_000;
      return { ok: !stuck, detail: `${r.count} pending${stuck ? ', oldest over 1 h' : ''}` };
    });
    return {
      async stop() {
        removeCheck();
        await alerting.stop();
      },
    };
  },
};
