import type { MiddlewareHandler } from 'hono';
import type { HubEnv } from '../types.js';
import { clientIp } from './observe.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `/api/v1/devices/{id}/metrics` -> `device`. */
function resourceOf(path: string): string | undefined {
  const seg = path.replace(/^\/api\/v1\//, '').split('/')[0];
  if (!seg) return undefined;
  return seg.endsWith('s') ? seg.slice(0, -1) : seg;
}

/**
 * Records every mutating request (success or not): who, what, target, its site (middleware/audit-site.ts),
 * client address, outcome, time.
 */
export function audit(): MiddlewareHandler<HubEnv> {
  return async function auditRequest(c, next) {
    if (!MUTATING.has(c.req.method)) return next();
    try {
      await next();
    } finally {
      const status = c.res.status;
      const route = c.var.route;
      const path = route?.path ?? c.req.path;
      const target = c.var.auditTarget ?? { type: resourceOf(path), id: route?.params.id };
      const actor = c.var.user ?? c.var.auditActor;
      try {
        await c.var.hub.store.audit.record({
          ts: c.var.hub.clock(),
          user_id: actor?.id ?? null,
          username: actor?.username ?? null,
          action: `${c.req.method} ${path}`,
          target_type: target.type ?? null,
          target_id: target.id === undefined ? null : String(target.id),
          client_ip: clientIp(c),
          outcome: status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failure',
          status,
          site_id: c.var.auditSite ?? null,
          // A change made with an API key names the key (its id; never the key).
          details: c.var.user?.apiKey
            ? { ...c.var.auditDetails, api_key: c.var.user.apiKey.id }
            : (c.var.auditDetails ?? null),
        });
      } catch (err) {
        c.var.hub.logger.error({ err }, 'audit record failed');
      }
    }
  };
}
