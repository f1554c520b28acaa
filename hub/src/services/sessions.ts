import type { Service } from './types.js';

const EVERY_MS = 3600_000;
/** Expired tokens are kept this long so that a late replay is still recognised (and its family revoked). */
const GRACE_MS = 7 * 24 * 3600 * 1000;

/** Deletes refresh tokens expired for more than a week (kept that long so a late replay is still recognised). */
export const sessionsService: Service = {
  name: 'sessions',
  async start(ctx) {
    const prune = () =>
      ctx.store.sessions
        .prune(ctx.clock() - GRACE_MS)
        .then((n) => {
          if (n > 0) ctx.logger.info({ removed: n }, 'pruned expired refresh tokens');
        })
        .catch((err) => ctx.logger.error({ err }, 'pruning refresh tokens failed'));
    await prune();
    const timer = setInterval(prune, EVERY_MS);
    timer.unref();
    return {
      async stop() {
        clearInterval(timer);
      },
    };
  },
};
