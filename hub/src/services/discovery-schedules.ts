import type { Onboarding } from '../onboarding/onboarding.js';
import { runDueSchedules } from './onboarding.js';
import type { Service } from './types.js';

/** How often due discovery schedules are looked for. */
const SCHEDULE_CHECK_MS = 60_000;

/** Starts the sites' scheduled discoveries when due, on one hub at a time. */
export const discoverySchedulesService = (o: Onboarding): Service => ({
  name: 'discovery-schedules',
  singleton: true,
  async start(ctx) {
    const log = ctx.logger.child({ component: 'onboarding' });
    const timer = setInterval(() => {
      runDueSchedules(ctx, o).catch((err: unknown) => log.error({ err }, 'scheduled discovery failed'));
    }, SCHEDULE_CHECK_MS);
    timer.unref();
    return {
      async stop() {
        clearInterval(timer);
      },
    };
  },
});
