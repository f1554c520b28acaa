import { z } from '@hono/zod-openapi';
import { CHECK_KINDS } from '@outpost/protocol';
import { CHECK_STATUSES, type CheckRecord } from '../../store/checks.js';
import { isStoreError } from '../../store/errors.js';
import { defineRoute } from '../access.js';
import { ApiError, conflict, notFound, unprocessable } from '../errors.js';
import {
  CheckKindSchema,
  CheckSchema,
  CreateCheck,
  checkToApi,
  kindToApi,
  resolveParams,
  UpdateCheck,
} from '../models/check.js';
import { body, errors, IdParam, json } from '../schemas.js';
import { inCallerScope, requireInScope, siteFilterFor } from '../site-scope.js';
import type { RouteModule } from '../types.js';

const tags = ['checks'];

const ListQuery = z
  .object({
    device_id: z.coerce.number().int().positive().optional(),
    site_id: z.coerce.number().int().positive().optional(),
    status: z.enum(CHECK_STATUSES).optional(),
    kind: z.string().max(32).optional(),
  })
  .strict();

const list = defineRoute({
  method: 'get',
  path: '/checks',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'Checks (ping, TCP port, web page, DNS) with their last state, by device, site, status or kind',
  request: { query: ListQuery },
  responses: { 200: json(z.object({ checks: z.array(CheckSchema) }), 'Checks'), ...errors(400, 401) },
});
const kinds = defineRoute({
  method: 'get',
  path: '/checks/kinds',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'The check kinds this hub can configure: parameters (JSON Schema with defaults) and metrics',
  responses: { 200: json(z.object({ kinds: z.array(CheckKindSchema) }), 'Kinds'), ...errors(401) },
});
const create = defineRoute({
  method: 'post',
  path: '/checks',
  access: 'operator',
  site: 'own',
  tags,
  summary: "Add a check to a device (SNMP or not); it reaches the device's agent with the next config",
  request: { body: body(CreateCheck) },
  responses: { 201: json(CheckSchema, 'Created'), ...errors(400, 401, 403, 409, 413, 415, 422) },
});
const get = defineRoute({
  method: 'get',
  path: '/checks/{id}',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'One check with its last state (status, since when, error, response time, facts)',
  request: { params: IdParam },
  responses: { 200: json(CheckSchema, 'The check'), ...errors(400, 401, 404) },
});
const update = defineRoute({
  method: 'put',
  path: '/checks/{id}',
  access: 'operator',
  site: 'own',
  tags,
  summary: 'Change a check (only the fields given; `params` replaces the parameters whole)',
  request: { params: IdParam, body: body(UpdateCheck) },
  responses: { 200: json(CheckSchema, 'Updated'), ...errors(400, 401, 403, 404, 409, 413, 415) },
});
const remove = defineRoute({
  method: 'delete',
  path: '/checks/{id}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Delete a check (its samples stay with the device until retention removes them)',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(400, 401, 403, 404) },
});

const duplicate = (name: string) => conflict(`the device already has a check named "${name}"`);

export const checksRoutes: RouteModule = {
  name: 'checks',
  register(app, hub) {
    const { checks } = hub.store;
    const changed = (site_id: number, id: number, change: 'created' | 'updated' | 'deleted') =>
      hub.events.emit('inventory.changed', { site_id, kind: 'check', id, change });

    app.openapi(list, async (c) => {
      const q = c.req.valid('query');
      const rows = await checks.list({ ...q, site_id: siteFilterFor(c, q.site_id) });
      return c.json({ checks: rows.map(checkToApi) }, 200);
    });

    app.openapi(kinds, (c) => c.json({ kinds: [...CHECK_KINDS.values()].map(kindToApi) }, 200));

    app.openapi(create, async (c) => {
      const input = c.req.valid('json');
      const device = await hub.store.devices.get(input.device_id);
      if (!device || !inCallerScope(c, device.site_id))
        throw unprocessable(`device ${input.device_id} does not exist`, [
          { path: 'body.device_id', message: 'no such device' },
        ]);
      const record: CheckRecord = {
        device_id: input.device_id,
        name: input.name,
        kind: input.kind,
        params: JSON.stringify(resolveParams(input.kind, input.params)),
        interval_s: input.interval_s,
        timeout_ms: input.timeout_ms,
        enabled: input.enabled,
      };
      const row = await checks.insert(record, hub.clock()).catch((err: unknown) => {
        throw isStoreError(err, 'conflict') ? duplicate(input.name) : err;
      });
      c.set('auditTarget', { type: 'check', id: row.id });
      c.set('auditSite', row.site_id);
      changed(row.site_id, row.id, 'created');
      return c.json(checkToApi(row), 201);
    });

    app.openapi(get, async (c) => {
      const { id } = c.req.valid('param');
      const row = await checks.get(id);
      if (!row) throw notFound('check', id);
      requireInScope(c, 'check', id, row.site_id);
      return c.json(checkToApi(row), 200);
    });

    app.openapi(update, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const before = await checks.get(id);
      if (!before) throw notFound('check', id);
      requireInScope(c, 'check', id, before.site_id);
      const kind = input.kind ?? before.kind;
      if (input.kind !== undefined && input.kind !== before.kind && input.params === undefined)
        throw new ApiError(400, 'validation_failed', 'invalid request: body.params', [
          { path: 'body.params', message: 'required when the kind changes' },
        ]);
      const params =
        input.params === undefined ? undefined : JSON.stringify(resolveParams(kind, input.params));
      const row = await checks
        .update(
          id,
          {
            name: input.name,
            kind: input.kind,
            params,
            interval_s: input.interval_s,
            timeout_ms: input.timeout_ms,
            enabled: input.enabled,
          },
          hub.clock(),
        )
        .catch((err: unknown) => {
          throw isStoreError(err, 'conflict') ? duplicate(input.name ?? before.name) : err;
        });
      if (!row) throw notFound('check', id);
      c.set('auditDetails', { fields: Object.keys(input) });
      changed(row.site_id, id, 'updated');
      return c.json(checkToApi(row), 200);
    });

    app.openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const row = await checks.get(id);
      if (!row || !(await checks.delete(id))) throw notFound('check', id);
      changed(row.site_id, id, 'deleted');
      return c.body(null, 204);
    });
  },
};
