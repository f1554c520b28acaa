import { z } from '@hono/zod-openapi';
import { ruleForTrap, type TrapOidRuleRef } from '../../alerts/rules/trap-fields.js';
import { ruleKey } from '../../alerts/rules-store.js';
import type { AlertRuleRow } from '../../store/alert-rules.js';
import { defineRoute } from '../access.js';
import { notFound } from '../errors.js';
import { errors, IdParam, iso, json } from '../schemas.js';
import { requireInScope } from '../site-scope.js';
import type { RouteModule } from '../types.js';

const EVENT_TYPE = /^[a-z][a-z0-9_]{0,31}$/;

const Query = z
  .object({
    type: z
      .string()
      .max(200)
      .refine((v) => v.split(',').every((t) => EVENT_TYPE.test(t)), 'must be event types separated by commas')
      .optional()
      .openapi({
        description: 'Event types, comma-separated: snmp_trap, check_state, device_state, error, ...',
      }),
    before: z.coerce.number().int().positive().optional().openapi({
      description: 'The id of the last event of the previous page: the next page holds older events',
    }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

const DeviceEventSchema = z
  .object({
    id: z.number().int(),
    ts: z.string(),
    type: z.string(),
    agent_id: z.string(),
    data: z.record(z.string(), z.unknown()),
    rule: z
      .object({ key: z.string(), name: z.string() })
      .nullable()
      .optional()
      .openapi({
        description:
          'Traps only: the alert rule that maps this trap OID (built-in or a trap-oid rule), or null: the trap is ' +
          'only kept here, and a trap-oid rule can turn it into an alert',
      }),
  })
  .openapi('DeviceEvent');

const list = defineRoute({
  method: 'get',
  path: '/devices/{id}/events',
  access: 'viewer',
  site: 'own',
  tags: ['devices'],
  summary:
    "A device's events newest first: its traps with their varbinds (and which rule maps each), check and status changes",
  request: { params: IdParam, query: Query },
  responses: {
    200: json(
      z.object({ events: z.array(DeviceEventSchema), next_before: z.number().int().nullable() }),
      'A page of events',
    ),
    ...errors(400, 401, 404),
  },
});

function trapRules(rows: readonly AlertRuleRow[]): TrapOidRuleRef[] {
  return rows
    .filter((r) => r.kind === 'trap-oid')
    .map((r) => {
      const p = JSON.parse(r.params) as { trap_oid: string; clear_trap_oid?: string };
      return { key: ruleKey(r), name: r.name, enabled: r.enabled === 1, ...p };
    });
}

export const deviceEventsRoutes: RouteModule = {
  name: 'device-events',
  register(app, hub) {
    app.openapi(list, async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const device = await hub.store.devices.get(id);
      if (!device) throw notFound('device', id);
      requireInScope(c, 'device', id, device.site_id);
      const rows = await hub.store.agentEvents.forDevice({
        device_id: id,
        ...(q.type ? { types: q.type.split(',') } : {}),
        ...(q.before !== undefined ? { before_id: q.before } : {}),
        limit: q.limit,
      });
      const rules = rows.some((r) => r.type === 'snmp_trap')
        ? trapRules(await hub.store.alertRules.list())
        : [];
      const events = rows.map((r) => ({
        id: r.id,
        ts: iso(r.ts) as string,
        type: r.type,
        agent_id: r.agent_id,
        data: r.data,
        ...(r.type === 'snmp_trap' ? { rule: ruleForTrap(String(r.data.trap_oid), rules) ?? null } : {}),
      }));
      return c.json({ events, next_before: rows.length === q.limit ? (rows.at(-1)?.id ?? null) : null }, 200);
    });
  },
};
