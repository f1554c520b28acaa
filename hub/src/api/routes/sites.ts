import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { SiteRow } from '../../store/sites.js';
import { defineRoute } from '../access.js';
import { conflict, forbidden, notFound, unprocessable } from '../errors.js';
import { body, errors, IdParam, iso, json, name, text } from '../schemas.js';
import { inCallerScope, requireInScope } from '../site-scope.js';
import type { HubEnv, RouteModule } from '../types.js';

/** An IANA time zone name the runtime knows (`Europe/Paris`, `UTC`). */
export const TimeZone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Paris or UTC');

const SiteSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    address: z.string().nullable(),
    location: z.string().nullable(),
    timezone: z.string(),
    notes: z.string().nullable(),
    group_id: z.number().int().nullable().openapi({ description: 'The site group (customer), if any' }),
    device_count: z.number().int().optional(),
    camera_count: z.number().int().optional(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Site');

const SiteFields = {
  name: name(),
  address: text(500).nullable().optional(),
  location: text(200).nullable().optional(),
  timezone: TimeZone.optional(),
  notes: text(5000).nullable().optional(),
  group_id: z
    .number()
    .int()
    .positive()
    .nullable()
    .optional()
    .openapi({ description: 'Put the site in this site group (admins only); null: in none' }),
};
const CreateSite = z.object(SiteFields).strict().openapi('CreateSite');
const UpdateSite = z
  .object({ ...SiteFields, name: SiteFields.name.optional() })
  .strict()
  .openapi('UpdateSite');

function siteToApi(s: SiteRow & { device_count?: number; camera_count?: number }) {
  return {
    id: s.id,
    name: s.name,
    address: s.address,
    location: s.location,
    timezone: s.timezone,
    notes: s.notes,
    group_id: s.group_id,
    ...(s.device_count !== undefined ? { device_count: s.device_count, camera_count: s.camera_count } : {}),
    created_at: iso(s.created_at) as string,
    updated_at: iso(s.updated_at) as string,
  };
}

const tags = ['sites'];
// A caller limited to some sites sees and updates only those; creating and deleting sites is hub-wide.
const list = defineRoute({
  method: 'get',
  path: '/sites',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'List sites with their device and camera counts',
  responses: { 200: json(z.object({ sites: z.array(SiteSchema) }), 'Sites'), ...errors(401) },
});
const create = defineRoute({
  method: 'post',
  path: '/sites',
  access: 'operator',
  site: 'refuse',
  tags,
  summary: 'Create a site',
  request: { body: body(CreateSite) },
  responses: { 201: json(SiteSchema, 'Created'), ...errors(400, 401, 403, 409, 413, 415, 422) },
});
const get = defineRoute({
  method: 'get',
  path: '/sites/{id}',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'One site',
  request: { params: IdParam },
  responses: { 200: json(SiteSchema, 'The site'), ...errors(400, 401, 404) },
});
const update = defineRoute({
  method: 'put',
  path: '/sites/{id}',
  access: 'operator',
  site: 'own',
  tags,
  summary: 'Update a site (only the fields given)',
  request: { params: IdParam, body: body(UpdateSite) },
  responses: { 200: json(SiteSchema, 'Updated'), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
});
const remove = defineRoute({
  method: 'delete',
  path: '/sites/{id}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Delete an empty site',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(400, 401, 403, 404, 409) },
});

export const sitesRoutes: RouteModule = {
  name: 'sites',
  register(app, hub) {
    const { sites } = hub.store;

    app.openapi(list, async (c) =>
      c.json({ sites: (await sites.list()).filter((s) => inCallerScope(c, s.id)).map(siteToApi) }, 200),
    );

    /** A site's group decides who sees it: only admins set it, and only to a group that exists. */
    const checkGroup = async (c: Context<HubEnv>, groupId: number | null | undefined) => {
      if (groupId === undefined) return;
      if (c.var.user?.role !== 'admin') throw forbidden("only admins set a site's group");
      if (groupId !== null && !(await hub.store.siteGroups.get(groupId)))
        throw unprocessable('no such site group', [
          { path: 'body.group_id', message: `site group ${groupId} does not exist` },
        ]);
    };

    app.openapi(create, async (c) => {
      const input = c.req.valid('json');
      await checkGroup(c, input.group_id);
      const row = await sites.insert(input, hub.clock());
      c.set('auditTarget', { type: 'site', id: row.id });
      c.set('auditSite', row.id);
      hub.events.emit('inventory.changed', { site_id: row.id, kind: 'site', id: row.id, change: 'created' });
      return c.json(siteToApi(row), 201);
    });

    app.openapi(get, async (c) => {
      const { id } = c.req.valid('param');
      const row = await sites.get(id);
      if (!row) throw notFound('site', id);
      requireInScope(c, 'site', id, row.id);
      return c.json(siteToApi(row), 200);
    });

    app.openapi(update, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const before = await sites.get(id);
      if (!before) throw notFound('site', id);
      requireInScope(c, 'site', id, before.id);
      await checkGroup(c, input.group_id);
      const row = await sites.update(id, input, hub.clock());
      if (!row) throw notFound('site', id);
      hub.events.emit('inventory.changed', { site_id: id, kind: 'site', id, change: 'updated' });
      return c.json(siteToApi(row), 200);
    });

    app.openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      await hub.store.unit(async (tx) => {
        if (!(await tx.sites.get(id))) throw notFound('site', id);
        const usage = await tx.sites.usage(id);
        if (usage.devices + usage.cameras > 0) {
          throw conflict(`site ${id} still has ${usage.devices} devices and ${usage.cameras} cameras`);
        }
        await tx.sites.delete(id);
      });
      hub.events.emit('inventory.changed', { site_id: id, kind: 'site', id, change: 'deleted' });
      return c.body(null, 204);
    });
  },
};
