import { registerRaw } from '../access.js';
import type { RouteModule } from '../types.js';

/**
 * Prometheus exposition of ctx.metrics: HTTP figures here, services add theirs to the same registry.
 * Needs a viewer token, or the static `metricsToken` for scrapers.
 */
export const metricsRoutes: RouteModule = {
  name: 'metrics',
  register(app, hub) {
    registerRaw(
      app,
      {
        method: 'get',
        path: '/metrics',
        access: 'viewer',
        site: 'refuse',
        staticToken: () => hub.config.metricsToken,
        summary: 'Prometheus metrics',
        tags: ['operations'],
        responses: {
          200: {
            description: 'Prometheus text format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
      async (c) => {
        const text = await hub.metrics.metrics();
        return c.body(text, 200, { 'Content-Type': hub.metrics.contentType });
      },
    );
  },
};
