import { z } from '@hono/zod-openapi';
import { RULE_KINDS, ruleKind } from '../../alerts/rules/index.js';
import { SEVERITIES } from '../../alerts/types.js';
import type { AlertRuleRepo, AlertRuleRow } from '../../store/alert-rules.js';
import { isStoreError } from '../../store/errors.js';
import { defineRoute } from '../access.js';
import { ApiError, conflict, issueDetails, notFound } from '../errors.js';
import { ruleToApi } from '../models/alert-rule.js';
import { body, errors, IdParam, json, name, text } from '../schemas.js';
import type { RouteModule } from '../types.js';

const RuleSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    key: z.string().openapi({ description: 'What alerts of this rule carry in `rule`' }),
    kind: z.string(),
    builtin: z.boolean(),
    enabled: z.boolean(),
    severity: z.enum(SEVERITIES),
    params: z.record(z.string(), z.unknown()),
    description: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('AlertRule');

const KindSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    builtin: z.boolean(),
    default_severity: z.enum(SEVERITIES),
    default_params: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('AlertRuleKind');

const CreateRule = z
  .object({
    name: name(),
    kind: z
      .enum(['threshold', 'trap-oid'])
      .default('threshold')
      .openapi({
        description:
          'User rules: `threshold` (a metric crosses a value) or `trap-oid` (an SNMP trap with this OID, e.g. ' +
          '`{"trap_oid": "1.3.6.1.4.1.9.9.13.3.0.4", "clear_trap_oid": "...", "scope": {"type": "all"}}`)',
      }),
    enabled: z.boolean().default(true),
    severity: z.enum(SEVERITIES).default('medium'),
    params: z.record(z.string(), z.unknown()).openapi({
      example: {
        metric: 'cpu_load',
        scope: { type: 'all' },
        comparison: '>',
        threshold: 90,
        for_s: 300,
        recovery_threshold: 80,
      },
    }),
    description: text(2000).optional(),
  })
  .strict()
  .openapi('CreateAlertRule');

const UpdateRule = z
  .object({
    name: name().optional(),
    enabled: z.boolean().optional(),
    severity: z.enum(SEVERITIES).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    description: text(2000).nullable().optional(),
  })
  .strict()
  .openapi('UpdateAlertRule');

const toApi = (r: AlertRuleRow) => {
  const v = ruleToApi(r);
  return {
    ...v,
    created_at: new Date(v.created_at).toISOString(),
    updated_at: new Date(v.updated_at).toISOString(),
  };
};

/** Validates params with the kind's own schema; a failure is a 400 naming `body.params.<field>`. */
function parseParams(kindName: string, params: unknown): unknown {
  const kind = ruleKind(kindName);
  if (!kind) throw new ApiError(400, 'validation_failed', `unknown rule kind "${kindName}"`);
  const parsed = kind.params.safeParse(params);
  if (!parsed.success) {
    const details = issueDetails('json', parsed.error.issues).map((d) => ({
      ...d,
      path: d.path.replace(/^body/, 'body.params'),
    }));
    throw new ApiError(
      400,
      'validation_failed',
      `invalid rule parameters: ${details.map((d) => d.path).join(', ')}`,
      details,
    );
  }
  return parsed.data;
}

async function uniqueName(rules: AlertRuleRepo, n: string, self?: number) {
  const other = await rules.byName(n);
  if (other && other.id !== self) throw conflict(`an alert rule named "${n}" already exists`);
}

/** A name taken between the check and the write (a concurrent request) is the same 409. */
const nameTaken = (n: string) => (err: unknown) => {
  throw isStoreError(err, 'conflict') ? conflict(`an alert rule named "${n}" already exists`) : err;
};

const kinds = defineRoute({
  method: 'get',
  path: '/alert-rules/kinds',
  access: 'viewer',
  site: 'refuse',
  tags: ['alerting'],
  summary: 'Rule kinds with their defaults',
  responses: { 200: json(z.object({ kinds: z.array(KindSchema) }), 'Every kind'), ...errors(401) },
});
const list = defineRoute({
  method: 'get',
  path: '/alert-rules',
  access: 'viewer',
  site: 'refuse',
  tags: ['alerting'],
  summary: 'Alert rules (built-in and user threshold rules)',
  responses: { 200: json(z.object({ rules: z.array(RuleSchema) }), 'Every rule'), ...errors(401) },
});
const getOne = defineRoute({
  method: 'get',
  path: '/alert-rules/{id}',
  access: 'viewer',
  site: 'refuse',
  tags: ['alerting'],
  summary: 'One alert rule',
  request: { params: IdParam },
  responses: { 200: json(RuleSchema, 'The rule'), ...errors(401, 404) },
});
const create = defineRoute({
  method: 'post',
  path: '/alert-rules',
  access: 'operator',
  site: 'refuse',
  tags: ['alerting'],
  summary: 'Create a threshold rule',
  request: { body: body(CreateRule) },
  responses: { 201: json(RuleSchema, 'Created'), ...errors(400, 401, 403, 409, 415) },
});
const update = defineRoute({
  method: 'patch',
  path: '/alert-rules/{id}',
  access: 'operator',
  site: 'refuse',
  tags: ['alerting'],
  summary: 'Change a rule (built-in rules: enabled, severity, params)',
  request: { params: IdParam, body: body(UpdateRule) },
  responses: { 200: json(RuleSchema, 'Updated'), ...errors(400, 401, 403, 404, 409, 415) },
});
const remove = defineRoute({
  method: 'delete',
  path: '/alert-rules/{id}',
  access: 'admin',
  site: 'refuse',
  tags: ['alerting'],
  summary: 'Delete a user rule (built-in rules can only be disabled); its open alerts resolve',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404, 409) },
});

export const alertRulesRoutes: RouteModule = {
  name: 'alert-rules',
  register(app, hub) {
    app.openapi(kinds, (c) =>
      c.json(
        {
          kinds: [...RULE_KINDS.values()].map((k) => {
            const defaults = k.params.safeParse({});
            return {
              name: k.name,
              description: k.description,
              builtin: k.builtin,
              default_severity: k.defaultSeverity,
              default_params: defaults.success ? (defaults.data as Record<string, unknown>) : null,
            };
          }),
        },
        200,
      ),
    );

    const rules = hub.store.alertRules;

    app.openapi(list, async (c) => c.json({ rules: (await rules.list()).map(toApi) }, 200));

    app.openapi(getOne, async (c) => {
      const row = await rules.get(c.req.valid('param').id);
      if (!row) throw notFound('alert rule', c.req.valid('param').id);
      return c.json(toApi(row), 200);
    });

    app.openapi(create, async (c) => {
      const b = c.req.valid('json');
      const params = parseParams(b.kind, b.params);
      await uniqueName(rules, b.name);
      const row = await hub.store
        .unit(async (tx) => {
          const r = await tx.alertRules.insert({ ...b, params }, c.var.user!.id, hub.clock());
          await tx.alertingState.bumpConfigVersion();
          return r;
        })
        .catch(nameTaken(b.name));
      c.set('auditTarget', { type: 'alert_rule', id: row.id });
      return c.json(toApi(row), 201);
    });

    app.openapi(update, async (c) => {
      const { id } = c.req.valid('param');
      const b = c.req.valid('json');
      const row = await rules.get(id);
      if (!row) throw notFound('alert rule', id);
      if (row.builtin === 1 && b.name !== undefined && b.name !== row.name) {
        throw conflict('built-in rules keep their name');
      }
      if (b.name !== undefined) await uniqueName(rules, b.name, id);
      const params = b.params !== undefined ? parseParams(row.kind, b.params) : JSON.parse(row.params);
      const next = await hub.store
        .unit(async (tx) => {
          const r = await tx.alertRules.update(
            id,
            {
              name: b.name ?? row.name,
              enabled: b.enabled ?? row.enabled === 1,
              severity: b.severity ?? row.severity,
              params,
              description: b.description === undefined ? row.description : b.description,
            },
            hub.clock(),
          );
          await tx.alertingState.bumpConfigVersion();
          return r;
        })
        .catch(nameTaken(b.name ?? row.name));
      if (!next) throw notFound('alert rule', id);
      return c.json(toApi(next), 200);
    });

    app.openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const row = await rules.get(id);
      if (!row) throw notFound('alert rule', id);
      if (row.builtin === 1)
        throw conflict(`"${row.name}" is built in: disable it instead (PATCH enabled=false)`);
      await hub.store.unit(async (tx) => {
        await tx.alertRules.delete(id);
        await tx.alertingState.bumpConfigVersion();
      });
      return c.body(null, 204);
    });
  },
};
