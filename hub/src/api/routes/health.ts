import { z } from '@hono/zod-openapi';
import { HUB_VERSION } from '../../version.js';
import { bearerToken, defineRoute, sameSecret } from '../access.js';
import { json } from '../schemas.js';
import type { RouteModule } from '../types.js';

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string().optional(),
    uptime_s: z.number().optional(),
    db: z.object({ ok: z.boolean(), error: z.string().optional() }).optional(),
    /** Filled by services that register a health check (e.g. the broker). */
    checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })).optional(),
  })
  .openapi('Health', {
    description:
      'Anonymous callers get only `status` (and the HTTP status); a logged-in user or the metricsToken also ' +
      'gets version, uptime and each check, which tell an attacker what runs and where',
  });

/** Health checks contributed by services: `name -> () => {ok, detail?}` (or a promise of it). */
export type HealthCheck = () => HealthResult | Promise<HealthResult>;
export interface HealthResult {
  ok: boolean;
  detail?: string;
}
const checks = new WeakMap<object, Map<string, HealthCheck>>();

/** Lets a service (broker, ingest) add its line to /api/v1/health. Keyed by the HubContext. */
export function addHealthCheck(hub: object, name: string, check: HealthCheck): () => void {
  const map = checks.get(hub) ?? new Map<string, HealthCheck>();
  checks.set(hub, map);
  map.set(name, check);
  return () => map.delete(name);
}

const route = defineRoute({
  method: 'get',
  path: '/health',
  access: 'public',
  tags: ['operations'],
  summary: 'Liveness and readiness (200 or 503). Details (database, services, version, uptime) need a token',
  responses: { 200: json(HealthSchema, 'Healthy'), 503: json(HealthSchema, 'A dependency is failing') },
});

export const healthRoutes: RouteModule = {
  name: 'health',
  register(app, hub) {
    app.openapi(route, async (c) => {
      let db: { ok: boolean; error?: string } = { ok: true };
      try {
        await hub.store.ping();
      } catch (err) {
        db = { ok: false, error: (err as Error).message };
      }
      const results: Record<string, HealthResult> = {};
      for (const [name, check] of checks.get(hub) ?? []) {
        try {
          results[name] = await check();
        } catch (err) {
          results[name] = { ok: false, detail: (err as Error).message };
        }
      }
      const ok = db.ok && Object.values(results).every((r) => r.ok);
      const status = ok ? ('ok' as const) : ('degraded' as const);
      const metricsToken = hub.config.metricsToken;
      const trusted =
        c.var.user !== undefined ||
        (metricsToken !== undefined && sameSecret(bearerToken(c) ?? '', metricsToken));
      const body = trusted
        ? {
            status,
            version: HUB_VERSION,
            uptime_s: Math.round((hub.clock() - hub.startedAt) / 1000),
            db,
            checks: results,
          }
        : { status };
      return ok ? c.json(body, 200) : c.json(body, 503);
    });
  },
};
