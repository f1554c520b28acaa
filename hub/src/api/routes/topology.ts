import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { defineRoute } from '../access.js';
import { notFound, unprocessable } from '../errors.js';
import { body, errors, IdParam, json } from '../schemas.js';
import { inCallerScope } from '../site-scope.js';
import type { HubEnv, RouteModule } from '../types.js';

const NodeSchema = z
  .object({
    key: z.string().openapi({ example: 'device:7' }),
    kind: z.enum(['device', 'camera', 'agent']),
    id: z.union([z.number().int(), z.string()]),
    name: z.string(),
    type: z.string().optional(),
    ip: z.string().optional(),
    mac: z.string().optional(),
    status: z.string().optional(),
    open_alerts: z.number().int(),
    parent_key: z.string().nullable(),
    parent_id: z.number().int().nullable(),
    parent_source: z.enum(['manual', 'pinned', 'inferred']).nullable(),
    evidence: z.array(z.string()),
  })
  .openapi('MapNode');

const MapSchema = z
  .object({
    site_id: z.number().int(),
    root: z.object({ key: z.string(), agent: z.string(), evidence: z.string() }).nullable(),
    nodes: z.array(NodeSchema),
    links: z.array(
      z.object({
        a: z.string(),
        a_port: z.string().optional(),
        b: z.string(),
        b_port: z.string().optional(),
        source: z.enum(['lldp', 'cdp', 'fdb']),
        evidence: z.string(),
      }),
    ),
    unplaced: z.array(z.string()),
    suggested_ranges: z.array(z.string()),
  })
  .openapi('SiteMap');

const DependencyInput = z
  .object({
    pinned: z.boolean().optional().openapi({
      description: 'Keep the inferred parent whatever later topology readings say (false: follow them again)',
    }),
    parent_id: z.number().int().positive().nullable().optional().openapi({
      description: 'Set (or, with null, clear) the manual parent, which wins over any inferred one',
    }),
  })
  .strict()
  .refine((b) => b.pinned !== undefined || b.parent_id !== undefined, {
    message: 'give pinned, parent_id or both',
    path: ['pinned'],
  })
  .openapi('DependencyUpdate');

const DependencySchema = z
  .object({
    kind: z.enum(['device', 'camera']),
    id: z.number().int(),
    manual_parent_id: z.number().int().nullable(),
    inferred: z
      .object({ parent_id: z.number().int().nullable(), pinned: z.boolean(), evidence: z.array(z.string()) })
      .nullable(),
  })
  .openapi('Dependency');

const getMap = defineRoute({
  method: 'get',
  path: '/sites/{id}/topology',
  access: 'viewer',
  site: 'own',
  tags: ['topology'],
  summary:
    "A site's map: nodes with status, open alerts and upstream parent (with evidence), links with ports",
  request: { params: IdParam },
  responses: { 200: json(MapSchema, 'The site map'), ...errors(400, 401, 404) },
});

const getDependency = (kind: 'device' | 'camera') =>
  defineRoute({
    method: 'get',
    path: `/${kind}s/{id}/dependency`,
    access: 'viewer',
    site: 'own',
    tags: ['topology'],
    summary: `A ${kind}'s manual parent and inferred parent (with evidence and whether pinned)`,
    request: { params: IdParam },
    responses: { 200: json(DependencySchema, 'The dependency'), ...errors(400, 401, 404) },
  });

const putDependency = (kind: 'device' | 'camera') =>
  defineRoute({
    method: 'put',
    path: `/${kind}s/{id}/dependency`,
    access: 'operator',
    site: 'own',
    tags: ['topology'],
    summary: `Pin or unpin a ${kind}'s inferred parent, or override it with a manual parent`,
    request: { params: IdParam, body: body(DependencyInput) },
    responses: { 200: json(DependencySchema, 'The dependency'), ...errors(400, 401, 403, 404, 422) },
  });

export const topologyRoutes: RouteModule = {
  name: 'topology',
  register(app, hub, { onboarding }) {
    const target = async (c: Context<HubEnv>, kind: 'device' | 'camera', id: number) => {
      const row = kind === 'device' ? await hub.store.devices.get(id) : await hub.store.cameras.get(id);
      if (!row || !inCallerScope(c, row.site_id)) throw notFound(kind, id);
      return row;
    };
    const view = async (c: Context<HubEnv>, kind: 'device' | 'camera', id: number) => {
      const row = await target(c, kind, id);
      const inferred = (await hub.store.topology.inferred(row.site_id)).find(
        (r) => r.target_kind === kind && r.target_id === id,
      );
      return {
        kind,
        id,
        manual_parent_id: row.parent_id,
        inferred: inferred
          ? {
              parent_id: inferred.parent_id,
              pinned: inferred.pinned === 1,
              evidence: (JSON.parse(inferred.evidence) as { evidence: string[] }).evidence,
            }
          : null,
      };
    };

    app.openapi(getMap, async (c) => {
      const { id } = c.req.valid('param');
      if (!inCallerScope(c, id) || !(await hub.store.sites.get(id))) throw notFound('site', id);
      return c.json(await onboarding.topology.view(id), 200);
    });

    for (const kind of ['device', 'camera'] as const) {
      app.openapi(getDependency(kind), async (c) => {
        const { id } = c.req.valid('param');
        return c.json(await view(c, kind, id), 200);
      });

      app.openapi(putDependency(kind), async (c) => {
        const { id } = c.req.valid('param');
        const b = c.req.valid('json');
        const row = await target(c, kind, id);
        // Everything is checked before anything is written: a refused request changes nothing.
        if (
          b.pinned !== undefined &&
          !(await hub.store.topology.inferred(row.site_id)).some(
            (r) => r.target_kind === kind && r.target_id === id,
          )
        )
          throw unprocessable(`${kind} ${id} has no inferred parent to pin yet`, [
            { path: 'body.pinned', message: 'nothing inferred for it yet' },
          ]);
        if (b.parent_id !== undefined) {
          const parentId = b.parent_id;
          if (parentId !== null) {
            const detail = (message: string) =>
              unprocessable(`parent_id ${parentId}: ${message}`, [{ path: 'body.parent_id', message }]);
            if (kind === 'device' && parentId === id) throw detail('a device cannot be its own parent');
            const parent = await hub.store.devices.get(parentId);
            if (!parent || !inCallerScope(c, parent.site_id)) throw detail('no such device');
            if (parent.site_id !== row.site_id) throw detail('belongs to another site');
            if (kind === 'device' && (await hub.store.devices.ancestors(parentId)).includes(id))
              throw detail('would create a cycle');
          }
          if (kind === 'device') await hub.store.devices.update(id, { parent_id: parentId }, hub.clock());
          else await hub.store.cameras.update(id, { parent_id: parentId }, hub.clock());
          hub.events.emit('inventory.changed', { site_id: row.site_id, kind, id, change: 'updated' });
        }
        if (b.pinned !== undefined) {
          const pinned = await hub.store.topology.pin(kind, id, b.pinned);
          if (!pinned)
            throw unprocessable(`${kind} ${id} has no inferred parent to pin yet`, [
              { path: 'body.pinned', message: 'nothing inferred for it yet' },
            ]);
          hub.events.emit('dependencies.changed', { site_id: row.site_id });
          hub.events.emit('topology.changed', { site_id: row.site_id, what: 'map' });
        }
        c.set('auditTarget', { type: kind, id });
        return c.json(await view(c, kind, id), 200);
      });
    }
  },
};
