import { z } from '@hono/zod-openapi';
import type { SiteRow } from '../../store/sites.js';
import { defineRoute, inCallerScope, requireInScope } from '../access.js';
import { conflict, notFound } from '../errors.js';
import { body, errors, IdParam, iso, json, name, text } from '../schemas.js';
import type { RouteModule } from '../types.js';

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
    ...(s.device_count !== undefined ? { device_count: s.device_count, camera_count: s.camera_count } : {}),
    created_at: iso(s.created_at) as string,
    updated_at: iso(s.updated_at) as string,
  };
}

const tags = ['sites'];
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
  tags,
  summary: 'Create a site',
  request: { body: body(CreateSite) },
  responses: { 201: json(SiteSchema, 'Created'), ...errors(400, 401, 403, 409, 413, 415) },
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
  tags,
  summary: 'Update a site (only the fields given)',
  request: { params: IdParam, body: body(UpdateSite) },
  responses: { 200: json(SiteSchema, 'Updated'), ...errors(400, 401, 403, 404, 409, 413, 415) },
});
const remove = defineRoute({
  method: 'delete',
  path: '/sites/{id}',
  access: 'admin',
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

    app.openapi(create, async (c) => {
      const row = await sites.insert(c.req.valid('json'), hub.clock());
      c.set('auditTarget', { type: 'site', id: row.id });
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
      const row = await sites.update(id, c.req.valid('json'), hub.clock());
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
