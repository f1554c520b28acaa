import { z } from '@hono/zod-openapi';
import { CUSTOM_OID_TYPES, type CustomOid, CustomOidSchema } from '@outpost/protocol';
import type { Context } from 'hono';
import type { HubContext } from '../../context.js';
import { hasSnmp } from '../../inventory/credentials.js';
import type { CustomOidOwner } from '../../store/custom-oids.js';
import { defineRoute } from '../access.js';
import { ApiError, type ErrorDetail, notFound, unprocessable } from '../errors.js';
import { body, errors, IdParam, json } from '../schemas.js';
import { inCallerScope } from '../site-scope.js';
import type { HubEnv, RouteModule } from '../types.js';

const CustomOidEntry = z
  .object({
    oid: z.string().max(255).openapi({ example: '1.3.6.1.4.1.318.1.1.1.2.3.2.0' }),
    name: z.string().max(128).openapi({
      example: 'ups_battery_temp',
      description: 'The metric name of the samples (lower case, digits and _): pick one no profile uses',
    }),
    type: z.enum(CUSTOM_OID_TYPES).optional().openapi({
      description:
        'gauge (the value, default), counter (its per-second rate), string (a sample of 1 labelled value)',
    }),
    unit: z.string().max(32).optional(),
    scale: z
      .number()
      .optional()
      .openapi({ description: 'Factor applied to gauges and rates (0.1 for tenths)' }),
    walk: z
      .boolean()
      .optional()
      .openapi({ description: 'Walk a table column: one sample per row, labelled index' }),
    sys_object_id: z.string().max(255).optional().openapi({
      description: 'Site-wide entries only: poll it on devices whose sysObjectID lies under this OID',
    }),
  })
  .strict()
  .openapi('CustomOid');

const CustomOidList = z
  .object({ custom_oids: z.array(CustomOidEntry).max(64) })
  .strict()
  .openapi('CustomOidList');

const tags = ['custom OIDs'];
const what = (owner: 'devices' | 'sites') =>
  owner === 'devices' ? 'a device' : 'a site (polled on each of its SNMP devices)';
const getRoute = (owner: 'devices' | 'sites') =>
  defineRoute({
    method: 'get',
    path: `/${owner}/{id}/custom-oids`,
    access: 'viewer',
    site: 'own',
    tags,
    summary: `The custom OIDs of ${what(owner)}`,
    request: { params: IdParam },
    responses: { 200: json(CustomOidList, 'The list'), ...errors(400, 401, 404) },
  });
const putRoute = (owner: 'devices' | 'sites') =>
  defineRoute({
    method: 'put',
    path: `/${owner}/{id}/custom-oids`,
    access: 'operator',
    site: 'own',
    tags,
    summary: `Replace the custom OIDs of ${what(owner)}: the whole list ([] removes them)`,
    request: { params: IdParam, body: body(CustomOidList) },
    responses: { 200: json(CustomOidList, 'The list'), ...errors(400, 401, 403, 404, 413, 415, 422) },
  });

/**
 * Each entry checked with the protocol's schema (so the agent takes it as stored), names unique within the
 * list, `sys_object_id` only on a site's list. A 400 names every field (`body.custom_oids.2.scale`).
 */
export function resolveCustomOids(input: readonly unknown[], siteWide: boolean): CustomOid[] {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  const out: CustomOid[] = [];
  input.forEach((entry, i) => {
    const at = `body.custom_oids.${i}`;
    const name = (entry as { name?: unknown }).name;
    if (typeof name === 'string' && seen.has(name))
      details.push({ path: `${at}.name`, message: 'used by another entry of this list' });
    if (typeof name === 'string') seen.add(name);
    const r = CustomOidSchema.safeParse(entry);
    if (!r.success) {
      for (const issue of r.error.issues)
        details.push({ path: [at, ...issue.path].join('.'), message: issue.message });
      return;
    }
    if (!siteWide && r.data.sys_object_id !== undefined)
      details.push({ path: `${at}.sys_object_id`, message: 'only for a site-wide entry' });
    out.push(r.data);
  });
  if (details.length)
    throw new ApiError(
      400,
      'validation_failed',
      `invalid request: ${details.map((d) => d.path).join(', ')}`,
      details,
    );
  return out;
}

async function ownerOf(
  hub: HubContext,
  c: Context<HubEnv>,
  kind: 'devices' | 'sites',
  id: number,
  writing: boolean,
) {
  // Another site than a scoped caller's (or a device of one) is not found, as if it did not exist.
  if (kind === 'sites') {
    if (!inCallerScope(c, id) || !(await hub.store.sites.get(id))) throw notFound('site', id);
    return { owner: { site_id: id } as CustomOidOwner, site_id: id };
  }
  const d = await hub.store.devices.get(id);
  if (!d || !inCallerScope(c, d.site_id)) throw notFound('device', id);
  if (writing && !hasSnmp(d))
    throw unprocessable(`device ${id} is not polled by SNMP: give it SNMP settings first`, [
      { path: 'path.id', message: 'device without SNMP' },
    ]);
  return { owner: { device_id: id } as CustomOidOwner, site_id: d.site_id };
}

export const customOidsRoutes: RouteModule = {
  name: 'custom-oids',
  register(app, hub) {
    for (const kind of ['devices', 'sites'] as const) {
      app.openapi(getRoute(kind), async (c) => {
        const { id } = c.req.valid('param');
        const { owner } = await ownerOf(hub, c, kind, id, false);
        return c.json({ custom_oids: await hub.store.customOids.list(owner) }, 200);
      });
      app.openapi(putRoute(kind), async (c) => {
        const { id } = c.req.valid('param');
        const input = c.req.valid('json');
        const { owner, site_id } = await ownerOf(hub, c, kind, id, true);
        const list = resolveCustomOids(input.custom_oids, kind === 'sites');
        await hub.store.customOids.replace(owner, list);
        c.set('auditTarget', { type: kind === 'sites' ? 'site' : 'device', id });
        c.set('auditDetails', { custom_oids: list.map((o) => o.name) });
        hub.events.emit('inventory.changed', {
          site_id,
          kind: kind === 'sites' ? 'site' : 'device',
          id,
          change: 'updated',
        });
        return c.json({ custom_oids: list }, 200);
      });
    }
  },
};
