import { z } from '@hono/zod-openapi';
import { isStoreError } from '../../store/errors.js';
import type { SiteGroupRow } from '../../store/tenancy.js';
import { defineRoute } from '../access.js';
import { conflict, notFound } from '../errors.js';
import { body, errors, IdParam, iso, json, name, text } from '../schemas.js';
import type { RouteModule } from '../types.js';

const SiteGroupSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    site_count: z.number().int().optional(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('SiteGroup', {
    description:
      "A customer's sites. A site belongs to at most one group (PUT /sites/{id} {group_id}); users and API " +
      'keys limited to a group see its sites, now and later.',
  });

const CreateSiteGroup = z
  .object({ name: name(), description: text(2000).nullable().optional() })
  .strict()
  .openapi('CreateSiteGroup');
const UpdateSiteGroup = z
  .object({ name: name().optional(), description: text(2000).nullable().optional() })
  .strict()
  .openapi('UpdateSiteGroup');

function groupToApi(g: SiteGroupRow & { site_count?: number }) {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    ...(g.site_count !== undefined ? { site_count: g.site_count } : {}),
    created_at: iso(g.created_at) as string,
    updated_at: iso(g.updated_at) as string,
  };
}

// Site groups are hub-wide: only admins (never limited to sites) see and manage them.
const tags = ['site-groups'];
const list = defineRoute({
  method: 'get',
  path: '/site-groups',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'List site groups (customers) with how many sites each has',
  responses: {
    200: json(z.object({ site_groups: z.array(SiteGroupSchema) }), 'Site groups'),
    ...errors(401, 403),
  },
});
const create = defineRoute({
  method: 'post',
  path: '/site-groups',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Create a site group',
  request: { body: body(CreateSiteGroup) },
  responses: { 201: json(SiteGroupSchema, 'Created'), ...errors(400, 401, 403, 409, 413, 415) },
});
const get = defineRoute({
  method: 'get',
  path: '/site-groups/{id}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'One site group',
  request: { params: IdParam },
  responses: { 200: json(SiteGroupSchema, 'The site group'), ...errors(400, 401, 403, 404) },
});
const update = defineRoute({
  method: 'put',
  path: '/site-groups/{id}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Rename or describe a site group (only the fields given)',
  request: { params: IdParam, body: body(UpdateSiteGroup) },
  responses: { 200: json(SiteGroupSchema, 'Updated'), ...errors(400, 401, 403, 404, 409, 413, 415) },
});
const remove = defineRoute({
  method: 'delete',
  path: '/site-groups/{id}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary:
    'Delete a site group: its sites stay, in no group; users and keys limited to it lose it (and see ' +
    'nothing more through it)',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(400, 401, 403, 404) },
});

export const siteGroupsRoutes: RouteModule = {
  name: 'site-groups',
  register(app, hub) {
    const groups = hub.store.siteGroups;
    const taken = (err: unknown, groupName: string | undefined) => {
      throw isStoreError(err, 'conflict') ? conflict(`site group ${groupName} exists`) : err;
    };

    app.openapi(list, async (c) => c.json({ site_groups: (await groups.list()).map(groupToApi) }, 200));

    app.openapi(create, async (c) => {
      const input = c.req.valid('json');
      const row = await groups.insert(input, hub.clock()).catch((err) => taken(err, input.name));
      c.set('auditTarget', { type: 'site_group', id: row.id });
      c.set('auditDetails', { name: row.name });
      return c.json(groupToApi(row), 201);
    });

    app.openapi(get, async (c) => {
      const { id } = c.req.valid('param');
      const row = (await groups.list()).find((g) => g.id === id);
      if (!row) throw notFound('site group', id);
      return c.json(groupToApi(row), 200);
    });

    app.openapi(update, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const row = await groups.update(id, input, hub.clock()).catch((err) => taken(err, input.name));
      if (!row) throw notFound('site group', id);
      c.set('auditTarget', { type: 'site_group', id });
      return c.json(groupToApi(row), 200);
    });

    app.openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      if (!(await groups.delete(id))) throw notFound('site group', id);
      c.set('auditTarget', { type: 'site_group', id });
      return c.body(null, 204);
    });
  },
};
