import { z } from '@hono/zod-openapi';
import type { MaintenanceSchedule } from '../../alerts/maintenance.js';
import { MaintenanceScope, scheduleActive } from '../../alerts/maintenance.js';
import type { MaintenanceInput, MaintenanceRow } from '../../store/maintenance.js';
import type { UnitOfWork } from '../../store/port.js';
import { defineRoute } from '../access.js';
import { ApiError, notFound } from '../errors.js';
import { maintenanceToApi } from '../models/maintenance.js';
import { body, errors, IdParam, Instant, json, name, text } from '../schemas.js';
import type { RouteModule } from '../types.js';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:MM (24 h)');

const ScheduleIn = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('once'),
      starts_at: z.string().pipe(Instant).openapi({ example: '2026-12-01T22:00:00Z' }),
      ends_at: z.string().pipe(Instant).openapi({ example: '2026-12-02T02:00:00Z' }),
    })
    .strict(),
  z
    .object({
      type: z.literal('weekly'),
      days: z
        .array(z.number().int().min(0).max(6))
        .min(1)
        .max(7)
        .openapi({ description: '0 = Sunday ... 6 = Saturday' }),
      start: HHMM.openapi({ example: '22:00' }),
      end: HHMM.openapi({ example: '02:00', description: 'Before start: the window runs past midnight' }),
      timezone: z.string().default('UTC').openapi({ example: 'Europe/Paris' }),
    })
    .strict(),
]);

const WindowIn = z
  .object({
    name: name(),
    scope: MaintenanceScope.meta({ example: { type: 'site', id: 3 } }),
    schedule: ScheduleIn,
    enabled: z.boolean().default(true),
    notes: text(2000).nullable().optional(),
  })
  .strict()
  .openapi('MaintenanceWindowInput');

const WindowOut = z
  .object({
    id: z.number().int(),
    name: z.string(),
    scope: z.record(z.string(), z.unknown()),
    schedule: z.record(z.string(), z.unknown()),
    enabled: z.boolean(),
    active_now: z.boolean(),
    notes: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('MaintenanceWindow');

/** Checks what the schema cannot: an existing time zone and an end after the start. */
function checkSchedule(s: z.infer<typeof ScheduleIn>): MaintenanceSchedule {
  const bad = (path: string, message: string) =>
    new ApiError(400, 'validation_failed', `invalid request: ${path}`, [{ path, message }]);
  if (s.type === 'once') {
    if (s.ends_at <= s.starts_at) throw bad('body.schedule.ends_at', 'must be after starts_at');
    return s;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: s.timezone });
  } catch {
    throw bad('body.schedule.timezone', 'must be an IANA time zone such as Europe/Paris');
  }
  if (s.start === s.end) throw bad('body.schedule.end', 'must differ from start');
  return s;
}

function toApi(r: MaintenanceRow, now: number) {
  const v = maintenanceToApi(r);
  const schedule =
    v.schedule.type === 'once'
      ? {
          ...v.schedule,
          starts_at: new Date(v.schedule.starts_at).toISOString(),
          ends_at: new Date(v.schedule.ends_at).toISOString(),
        }
      : v.schedule;
  return {
    ...v,
    schedule,
    active_now: v.enabled && scheduleActive(v.schedule, now),
    created_at: new Date(v.created_at).toISOString(),
    updated_at: new Date(v.updated_at).toISOString(),
  };
}

const tags = ['alerting'];
const list = defineRoute({
  method: 'get',
  path: '/maintenance',
  access: 'viewer',
  site: 'refuse',
  tags,
  summary: 'Maintenance windows',
  responses: { 200: json(z.object({ windows: z.array(WindowOut) }), 'Every window'), ...errors(401) },
});
const getOne = defineRoute({
  method: 'get',
  path: '/maintenance/{id}',
  access: 'viewer',
  site: 'refuse',
  tags,
  summary: 'One maintenance window',
  request: { params: IdParam },
  responses: { 200: json(WindowOut, 'The window'), ...errors(401, 404) },
});
const create = defineRoute({
  method: 'post',
  path: '/maintenance',
  access: 'operator',
  site: 'refuse',
  tags,
  summary: 'Create a maintenance window (alerts inside are recorded, not notified)',
  request: { body: body(WindowIn) },
  responses: { 201: json(WindowOut, 'Created'), ...errors(400, 401, 403, 415) },
});
const replace = defineRoute({
  method: 'put',
  path: '/maintenance/{id}',
  access: 'operator',
  site: 'refuse',
  tags,
  summary: 'Replace a maintenance window',
  request: { params: IdParam, body: body(WindowIn) },
  responses: { 200: json(WindowOut, 'Updated'), ...errors(400, 401, 403, 404, 415) },
});
const remove = defineRoute({
  method: 'delete',
  path: '/maintenance/{id}',
  access: 'operator',
  site: 'refuse',
  tags,
  summary: 'Delete a maintenance window',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404) },
});

export const maintenanceRoutes: RouteModule = {
  name: 'maintenance',
  register(app, hub) {
    const windows = hub.store.maintenance;
    // A change and the version bump that makes the engine reload commit together.
    const write = <T>(fn: (tx: UnitOfWork) => Promise<T>) =>
      hub.store.unit(async (tx) => {
        const r = await fn(tx);
        await tx.alertingState.bumpConfigVersion();
        return r;
      });

    app.openapi(list, async (c) =>
      c.json({ windows: (await windows.list()).map((r) => toApi(r, hub.clock())) }, 200),
    );

    app.openapi(getOne, async (c) => {
      const row = await windows.get(c.req.valid('param').id);
      if (!row) throw notFound('maintenance window', c.req.valid('param').id);
      return c.json(toApi(row, hub.clock()), 200);
    });

    app.openapi(create, async (c) => {
      const b = c.req.valid('json');
      const input: MaintenanceInput = { ...b, schedule: checkSchedule(b.schedule), notes: b.notes ?? null };
      const row = await write((tx) => tx.maintenance.insert(input, c.var.user!.id, hub.clock()));
      c.set('auditTarget', { type: 'maintenance_window', id: row.id });
      return c.json(toApi(row, hub.clock()), 201);
    });

    app.openapi(replace, async (c) => {
      const { id } = c.req.valid('param');
      const b = c.req.valid('json');
      const input: MaintenanceInput = { ...b, schedule: checkSchedule(b.schedule), notes: b.notes ?? null };
      const row = await write(async (tx) => {
        const r = await tx.maintenance.update(id, input, hub.clock());
        if (!r) throw notFound('maintenance window', id);
        return r;
      });
      return c.json(toApi(row, hub.clock()), 200);
    });

    app.openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      await write(async (tx) => {
        if (!(await tx.maintenance.delete(id))) throw notFound('maintenance window', id);
      });
      return c.body(null, 204);
    });
  },
};
