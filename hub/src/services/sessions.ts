import { pruneRefreshTokens } from '../store/refresh-tokens.js';
import type { Service } from './index.js';

const EVERY_MS = 3600_000;

/** Deletes refresh tokens expired for more than a week (kept that long so a late replay is still recognised). */
export const sessionsService: Service = {
  name: 'sessions',
  async start(ctx) {
    const prune = () => {
      try {
        const n = pruneRefreshTokens(ctx.db, ctx.clock());
        if (n > 0) ctx.logger.info({ removed: n }, 'pruned expired refresh tokens');
      } catch (err) {
        ctx.logger.error({ err }, 'pruning refresh tokens failed');
      }
    };
    prune();
    const timer = setInterval(prune, EVERY_MS);
    timer.unref();
    return {
      async stop() {
        clearInterval(timer);
      },
    };
  },
};
