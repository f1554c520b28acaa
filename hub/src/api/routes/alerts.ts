import { z } from '@hono/zod-openapi';
import { alertToApi } from '../../alerts/view.js';
import type { AlertRow } from '../../store/alerts.js';
import { defineRoute } from '../access.js';
import { notFound, unprocessable } from '../errors.js';
import {
  body,
  errors,
  IdParam,
  Instant,
  json,
  name,
  PageQuery,
  PaginationSchema,
  pagination,
  text,
} from '../schemas.js';
import { callerSites, inCallerScope, requireInScope, siteFilterFor } from '../site-scope.js';
import type { RouteModule } from '../types.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

const AlertSchema = z.record(z.string(), z.unknown()).openapi('Alert', {
  description:
    'id, rule, severity, state (open|resolved), title, message, device_id, camera_id, site_id, agent_id, created_at, ' +
    'last_seen, count, resolved_at, acknowledged, acknowledged_by, acknowledged_by_username, acknowledged_at, ack_note, ...',
});
const SeverityList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()))
  .pipe(z.array(z.enum(SEVERITIES)))
  .openapi({ type: 'string', example: 'critical,high' });
const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const Id = z.coerce.number().int().positive();

const FilterFields = {
  severity: SeverityList.optional(),
  state: z.enum(['open', 'resolved']).optional(),
  acknowledged: Bool.optional(),
  device_id: Id.optional(),
  camera_id: Id.optional(),
  site_id: Id.optional(),
  rule: z.string().max(100).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
};
const ListQuery = z.object({ ...FilterFields, ...PageQuery }).strict();

const CreateAlert = z
  .object({
    severity: z.enum(SEVERITIES),
    title: name(),
    message: text(5000).optional(),
    device_id: z.number().int().positive().optional(),
    camera_id: z.number().int().positive().optional(),
    site_id: z.number().int().positive().optional(),
  })
  .strict()
  .openapi('CreateAlert');
const AckBody = z
  .object({
    note: text(2000).optional(),
    expires_at: z
      .string()
      .pipe(Instant)
      .optional()
      .openapi({ description: 'Acknowledgement ends then (repeats notify again)' }),
  })
  .strict();
const AckAllBody = z
  .object({
    severity: z.array(z.enum(SEVERITIES)).min(1).optional(),
    state: z.enum(['open', 'resolved']).optional(),
    device_id: z.number().int().positive().optional(),
    camera_id: z.number().int().positive().optional(),
    site_id: z.number().int().positive().optional(),
    rule: z.string().max(100).optional(),
    note: text(2000).optional(),
  })
  .strict()
  .openapi('AcknowledgeAll');
const Summary = z
  .object({
    total: z.number().int(),
    unacknowledged: z.number().int(),
    critical: z.number().int(),
    high: z.number().int(),
    medium: z.number().int(),
    low: z.number().int(),
    info: z.number().int(),
    recent: z.number().int().openapi({ description: 'Alerts created in the last 24 hours' }),
  })
  .openapi('AlertSummary');

const tags = ['alerts'];
const list = defineRoute({
  method: 'get',
  path: '/alerts',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'List alerts, newest first (filters, pagination)',
  request: { query: ListQuery },
  responses: {
    200: json(z.object({ alerts: z.array(AlertSchema), pagination: PaginationSchema }), 'A page of alerts'),
    ...errors(400, 401),
  },
});
const summary = defineRoute({
  method: 'get',
  path: '/alerts/summary',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'Counts of open alerts by severity, unacknowledged, and created in the last 24 h',
  request: { query: z.object({ site_id: Id.optional() }).strict() },
  responses: { 200: json(Summary, 'Summary'), ...errors(400, 401) },
});
const ackAll = defineRoute({
  method: 'post',
  path: '/alerts/acknowledge-all',
  access: 'operator',
  site: 'own',
  tags,
  summary: 'Acknowledge every unacknowledged alert matching the filter (open ones unless state is given)',
  request: { body: body(AckAllBody) },
  responses: {
    200: json(z.object({ acknowledged: z.number().int() }), 'How many'),
    ...errors(400, 401, 403, 415),
  },
});
const create = defineRoute({
  method: 'post',
  path: '/alerts',
  access: 'operator',
  site: 'own',
  tags,
  summary: 'Raise a manual alert',
  request: { body: body(CreateAlert) },
  responses: { 201: json(AlertSchema, 'Created'), ...errors(400, 401, 403, 413, 415, 422) },
});
const get = defineRoute({
  method: 'get',
  path: '/alerts/{id}',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'One alert',
  request: { params: IdParam },
  responses: { 200: json(AlertSchema, 'The alert'), ...errors(400, 401, 404) },
});
const ack = defineRoute({
  method: 'post',
  path: '/alerts/{id}/acknowledge',
  access: 'operator',
  site: 'own',
  tags,
  summary: 'Acknowledge an alert, with an optional note',
  request: {
    params: IdParam,
    body: { required: false, content: { 'application/json': { schema: AckBody } } },
  },
  responses: { 200: json(AlertSchema, 'Acknowledged'), ...errors(400, 401, 403, 404, 415) },
});
const remove = defineRoute({
  method: 'delete',
  path: '/alerts/{id}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Delete an alert',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(400, 401, 403, 404) },
});

export const alertsRoutes: RouteModule = {
  name: 'alerts',
  register(app, hub) {
    const { alerts } = hub.store;
    const emit = (change: 'created' | 'acknowledged' | 'deleted', row: AlertRow | undefined) => {
      if (row) hub.events.emit('alert.changed', { change, alert: alertToApi(row) });
    };

    app.openapi(list, async (c) => {
      const q = c.req.valid('query');
      const { rows, total } = await alerts.list(
        { ...q, site_id: siteFilterFor(c, q.site_id) },
        q.page,
        q.per_page,
      );
      return c.json({ alerts: rows.map(alertToApi), pagination: pagination(q.page, q.per_page, total) }, 200);
    });

    app.openapi(summary, async (c) =>
      c.json(
        await alerts.summary(hub.clock() - 24 * 3600 * 1000, siteFilterFor(c, c.req.valid('query').site_id)),
        200,
      ),
    );

    app.openapi(ackAll, async (c) => {
      const { note, ...filter } = c.req.valid('json');
      const ids = await alerts.acknowledge(
        { state: 'open', ...filter, site_id: siteFilterFor(c, filter.site_id) },
        c.var.user!.id,
        note ?? null,
        null,
        hub.clock(),
      );
      c.set('auditTarget', { type: 'alert' });
      // One site when the filter names one; alerts of several sites at once are an entry of none.
      if (filter.site_id !== undefined) c.set('auditSite', filter.site_id);
      c.set('auditDetails', { count: ids.length, filter });
      for (const id of ids) emit('acknowledged', await alerts.get(id));
      return c.json({ acknowledged: ids.length }, 200);
    });

    app.openapi(create, async (c) => {
      const input = c.req.valid('json');
      let siteId = input.site_id;
      const ref = (path: string, what: string, id: number) =>
        unprocessable(`${what} ${id} does not exist`, [{ path: `body.${path}`, message: `no such ${what}` }]);
      if (input.device_id !== undefined) {
        const d = await hub.store.devices.get(input.device_id);
        if (!d || !inCallerScope(c, d.site_id)) throw ref('device_id', 'device', input.device_id);
        siteId ??= d.site_id;
      }
      if (input.camera_id !== undefined) {
        const cam = await hub.store.cameras.get(input.camera_id);
        if (!cam || !inCallerScope(c, cam.site_id)) throw ref('camera_id', 'camera', input.camera_id);
        siteId ??= cam.site_id;
      }
      if (siteId !== undefined && (!inCallerScope(c, siteId) || !(await hub.store.sites.get(siteId))))
        throw ref('site_id', 'site', siteId);
      // A caller limited to some sites raises alerts of one of them (one of no site would be hidden from it).
      if (siteId === undefined && callerSites(c) !== undefined)
        throw unprocessable('site_id is required', [
          { path: 'body.site_id', message: 'required: you are limited to some sites' },
        ]);
      const row = await alerts.insertManual(
        {
          severity: input.severity,
          title: input.title,
          message: input.message ?? null,
          device_id: input.device_id ?? null,
          camera_id: input.camera_id ?? null,
          site_id: siteId ?? null,
          created_by: c.var.user!.id,
        },
        hub.clock(),
      );
      c.set('auditTarget', { type: 'alert', id: row.id });
      c.set('auditSite', row.site_id);
      emit('created', row);
      return c.json(alertToApi(row), 201);
    });

    app.openapi(get, async (c) => {
      const { id } = c.req.valid('param');
      const row = await alerts.get(id);
      if (!row) throw notFound('alert', id);
      requireInScope(c, 'alert', id, row.site_id);
      return c.json(alertToApi(row), 200);
    });

    app.openapi(ack, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json') as z.infer<typeof AckBody>;
      const before = await alerts.get(id);
      if (!before) throw notFound('alert', id);
      requireInScope(c, 'alert', id, before.site_id);
      const ids = await alerts.acknowledge(
        { ids: [id] },
        c.var.user!.id,
        input.note ?? null,
        input.expires_at ?? null,
        hub.clock(),
      );
      const row = await alerts.get(id);
      if (!row) throw notFound('alert', id);
      if (ids.length) emit('acknowledged', row);
      return c.json(alertToApi(row), 200);
    });

    app.openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const row = await alerts.get(id);
      if (!row) throw notFound('alert', id);
      await alerts.delete(id);
      emit('deleted', row);
      return c.body(null, 204);
    });
  },
};
