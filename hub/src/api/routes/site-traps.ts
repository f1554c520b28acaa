import type { Context } from 'hono';
import type { HubContext } from '../../context.js';
import {
  decodeSiteTraps,
  encodeSiteTraps,
  type SiteTraps,
  trapDefaults,
} from '../../inventory/site-traps.js';
import { defineRoute } from '../access.js';
import { notFound } from '../errors.js';
import { mergeSiteTraps, SiteTrapsSchema, siteTrapsView, UpdateSiteTraps } from '../models/site-traps.js';
import { body, errors, IdParam, iso, json } from '../schemas.js';
import { inCallerScope } from '../site-scope.js';
import type { HubEnv, RouteModule } from '../types.js';

const tags = ['sites'];
const get = defineRoute({
  method: 'get',
  path: '/sites/{id}/traps',
  access: 'viewer',
  site: 'own',
  tags,
  summary:
    "The site's SNMP trap receiver (on its agents): its own settings, or the hub-wide ones (`own: false`)",
  request: { params: IdParam },
  responses: { 200: json(SiteTrapsSchema, 'The settings'), ...errors(400, 401, 404) },
});
const put = defineRoute({
  method: 'put',
  path: '/sites/{id}/traps',
  access: 'operator',
  site: 'own',
  tags,
  summary:
    "Set the site's own trap receiver (only the fields given; the first change starts from the hub-wide " +
    'settings without their community). Communities and v3 keys are write-only',
  request: { params: IdParam, body: body(UpdateSiteTraps) },
  responses: { 200: json(SiteTrapsSchema, 'The settings'), ...errors(400, 401, 403, 404, 413, 415) },
});
const reset = defineRoute({
  method: 'delete',
  path: '/sites/{id}/traps',
  access: 'operator',
  site: 'own',
  tags,
  summary: "Forget the site's own trap receiver settings: it uses the hub-wide ones again",
  request: { params: IdParam },
  responses: {
    200: json(SiteTrapsSchema, 'The hub-wide settings now in force'),
    ...errors(400, 401, 403, 404),
  },
});

/** The hub-wide settings as a site sees them (`agentTraps*`). */
function hubWide(hub: HubContext): SiteTraps {
  const c = hub.config;
  return {
    ...trapDefaults(),
    enabled: c.agentTrapsEnabled,
    port: c.agentTrapsPort,
    users: [],
    secrets: { communities: c.agentTrapsCommunity ? [c.agentTrapsCommunity] : [], keys: {} },
  };
}

export const siteTrapsRoutes: RouteModule = {
  name: 'site-traps',
  register(app, hub) {
    const { siteTraps } = hub.store;
    // Another site than a scoped caller's is not found, as if it did not exist.
    const requireSite = async (c: Context<HubEnv>, id: number) => {
      if (!inCallerScope(c, id) || !(await hub.store.sites.get(id))) throw notFound('site', id);
    };
    const current = async (id: number) => {
      const row = await siteTraps.get(id);
      return row
        ? {
            traps: decodeSiteTraps(row, (b) => hub.secrets.decrypt(b)),
            own: true,
            updated: iso(row.updated_at),
          }
        : { traps: hubWide(hub), own: false, updated: null };
    };

    app.openapi(get, async (c) => {
      const { id } = c.req.valid('param');
      await requireSite(c, id);
      const { traps, own, updated } = await current(id);
      return c.json(siteTrapsView(id, traps, own, updated), 200);
    });

    app.openapi(put, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      await requireSite(c, id);
      const { traps, own } = await current(id);
      // A site's first own settings start from the hub-wide ones, without the hub's community.
      const base = own ? traps : { ...traps, secrets: { communities: [], keys: {} } };
      const merged = mergeSiteTraps(base, input);
      const row = await siteTraps.put(
        id,
        encodeSiteTraps(merged, (p) => hub.secrets.encrypt(p)),
        hub.clock(),
      );
      c.set('auditTarget', { type: 'site', id });
      c.set('auditDetails', { traps: Object.keys(input) });
      hub.events.emit('inventory.changed', { site_id: id, kind: 'site', id, change: 'updated' });
      return c.json(siteTrapsView(id, merged, true, iso(row.updated_at)), 200);
    });

    app.openapi(reset, async (c) => {
      const { id } = c.req.valid('param');
      await requireSite(c, id);
      if (await siteTraps.delete(id))
        hub.events.emit('inventory.changed', { site_id: id, kind: 'site', id, change: 'updated' });
      c.set('auditTarget', { type: 'site', id });
      return c.json(siteTrapsView(id, hubWide(hub), false, null), 200);
    });
  },
};
