import { z } from '@hono/zod-openapi';
import { MaintenanceScope } from '../../alerts/maintenance.js';
import { ruleKey } from '../../alerts/rules-store.js';
import { SEVERITIES } from '../../alerts/types.js';
import type { HubContext } from '../../context.js';
import { NOTIFIERS } from '../../notifiers/index.js';
import { parseRoute, type Route } from '../../notify/channel-routes.js';
import { deliver } from '../../notify/deliver.js';
import { testMessage } from '../../notify/format.js';
import { notifyTargets } from '../../notify/targets.js';
import type { ChannelInput, ChannelRow } from '../../store/channels.js';
import { isStoreError } from '../../store/errors.js';
import { defineRoute } from '../access.js';
import { ApiError, conflict, type ErrorDetail, issueDetails, notFound, unprocessable } from '../errors.js';
import { channelToApi } from '../models/channel.js';
import { body, errors, IdParam, json, name } from '../schemas.js';
import type { RouteModule } from '../types.js';

const TYPES = [...NOTIFIERS.keys()] as [string, ...string[]];
const WEEK_S = 7 * 86_400;

const RouteIn = z
  .object({
    scope: MaintenanceScope.default({ type: 'all' }),
    severities: z.array(z.enum(SEVERITIES)).min(1).nullable().default(null),
    rules: z.array(z.string().min(1).max(100)).min(1).nullable().default(null),
    delay_s: z.number().int().min(0).max(WEEK_S).default(0).openapi({ description: 'Escalation delay' }),
    repeat_interval_s: z.number().int().min(0).max(WEEK_S).nullable().default(null).openapi({
      description: 'Repeat while open and unacknowledged; null = hub default, 0 = never',
    }),
  })
  .strict()
  .openapi('NotificationRoute');

const Fields = {
  enabled: z.boolean(),
  min_severity: z.enum(SEVERITIES),
  daily_summary: z.boolean(),
  config: z.record(z.string(), z.unknown()),
  secrets: z
    .record(z.string(), z.string().nullable())
    .openapi({ description: 'Write-only; a null value removes that secret' }),
  routes: z.array(RouteIn).max(50),
};

const CreateChannel = z
  .object({
    name: name(),
    type: z.enum(TYPES),
    enabled: Fields.enabled.default(true),
    min_severity: Fields.min_severity.default('info'),
    daily_summary: Fields.daily_summary.default(true),
    config: Fields.config,
    secrets: Fields.secrets.default({}),
    routes: Fields.routes.default([]),
  })
  .strict()
  .openapi('CreateNotificationChannel', {
    example: {
      name: 'noc-webhook',
      type: 'webhook',
      config: { url: 'https://noc.example.com/outpost' },
      secrets: { hmac_secret: 'a-long-random-shared-secret' },
      min_severity: 'high',
    },
  });

const UpdateChannel = z
  .object({
    name: name().optional(),
    enabled: Fields.enabled.optional(),
    min_severity: Fields.min_severity.optional(),
    daily_summary: Fields.daily_summary.optional(),
    config: Fields.config.optional(),
    secrets: Fields.secrets.optional(),
    routes: Fields.routes.optional(),
  })
  .strict()
  .openapi('UpdateNotificationChannel');

const ChannelOut = z
  .object({
    id: z.number().int(),
    name: z.string(),
    type: z.string(),
    enabled: z.boolean(),
    min_severity: z.enum(SEVERITIES),
    daily_summary: z.boolean(),
    config: z.record(z.string(), z.unknown()),
    secrets_set: z
      .array(z.string())
      .openapi({ description: 'Names of the secrets that are set (never their values)' }),
    routes: z.array(z.record(z.string(), z.unknown())),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('NotificationChannel');

const TestResult = z
  .object({
    ok: z.boolean(),
    status_code: z.number().int().nullable(),
    error: z.string().nullable(),
    duration_ms: z.number().int(),
  })
  .openapi('NotificationTestResult');

function decryptSecrets(hub: HubContext, c: ChannelRow): Record<string, string> {
  return c.secret ? (JSON.parse(hub.secrets.decrypt(c.secret)) as Record<string, string>) : {};
}

async function toApi(hub: HubContext, c: ChannelRow) {
  let keys: string[] = [];
  try {
    keys = Object.keys(decryptSecrets(hub, c)).sort();
  } catch {
    keys = ['<undecryptable>'];
  }
  const v = channelToApi(c, await hub.store.channels.routes(c.id), keys);
  return {
    ...v,
    created_at: new Date(v.created_at).toISOString(),
    updated_at: new Date(v.updated_at).toISOString(),
  };
}

/** Validates settings and secrets with the channel type's schemas; failures name `body.config.*` / `body.secrets.*`. */
function validate(type: string, config: unknown, secrets: Record<string, string>) {
  const notifier = NOTIFIERS.get(type)!;
  const c = notifier.config.safeParse(config);
  const s = notifier.secret.safeParse(secrets);
  const details: ErrorDetail[] = [
    ...issueDetails('json', c.error?.issues ?? []).map((d) => ({
      ...d,
      path: d.path.replace(/^body/, 'body.config'),
    })),
    ...issueDetails('json', s.error?.issues ?? []).map((d) => ({
      ...d,
      path: d.path.replace(/^body/, 'body.secrets'),
    })),
  ];
  if (details.length > 0) {
    throw new ApiError(
      400,
      'validation_failed',
      `invalid ${type} channel: ${details.map((d) => d.path).join(', ')}`,
      details,
    );
  }
  return { config: c.data, secrets: s.data as Record<string, string> };
}

async function checkRoutes(hub: HubContext, routes: Route[]) {
  const known = new Set((await hub.store.alertRules.list()).map(ruleKey));
  const details = routes.flatMap((r, i) =>
    (r.rules ?? [])
      .filter((k) => !known.has(k))
      .map((k) => ({ path: `body.routes.${i}.rules`, message: `no rule "${k}"` })),
  );
  if (details.length > 0) throw unprocessable('routes name rules that do not exist', details);
}

function mergeSecrets(current: Record<string, string>, patch: Record<string, string | null>) {
  const next = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}

const tags = ['alerting'];
const list = defineRoute({
  method: 'get',
  path: '/notification-channels',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Notification channels (secrets are never returned)',
  responses: { 200: json(z.object({ channels: z.array(ChannelOut) }), 'Every channel'), ...errors(401, 403) },
});
const getOne = defineRoute({
  method: 'get',
  path: '/notification-channels/{id}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'One notification channel',
  request: { params: IdParam },
  responses: { 200: json(ChannelOut, 'The channel'), ...errors(401, 403, 404) },
});
const create = defineRoute({
  method: 'post',
  path: '/notification-channels',
  access: 'admin',
  site: 'refuse',
  tags,
  summary:
    'Create a channel (email, slack, webhook); without routes it gets every alert at or above min_severity',
  request: { body: body(CreateChannel) },
  responses: { 201: json(ChannelOut, 'Created'), ...errors(400, 401, 403, 409, 415, 422) },
});
const update = defineRoute({
  method: 'patch',
  path: '/notification-channels/{id}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Change a channel; secrets given are replaced, others kept',
  request: { params: IdParam, body: body(UpdateChannel) },
  responses: { 200: json(ChannelOut, 'Updated'), ...errors(400, 401, 403, 404, 409, 415, 422) },
});
const remove = defineRoute({
  method: 'delete',
  path: '/notification-channels/{id}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Delete a channel and its queued messages',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404) },
});
const test = defineRoute({
  method: 'post',
  path: '/notification-channels/{id}/test',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Send a test message now and report the result',
  request: { params: IdParam },
  responses: {
    200: json(TestResult, 'The delivery result (ok false with the error when it failed)'),
    ...errors(401, 403, 404),
  },
});

export const notificationChannelsRoutes: RouteModule = {
  name: 'notification-channels',
  register(app, hub) {
    const channels = hub.store.channels;
    /** Saves a channel and bumps the version the dispatcher reloads on, together; a name taken is a 409. */
    const save = (id: number | null, input: ChannelInput) =>
      hub.store
        .unit(async (tx) => {
          const saved = await tx.channels.save(id, input, hub.clock());
          await tx.alertingState.bumpConfigVersion();
          return saved;
        })
        .catch((err) => {
          throw isStoreError(err, 'conflict')
            ? conflict(`a channel named "${input.name}" already exists`)
            : err;
        });

    app.openapi(list, async (c) =>
      c.json({ channels: await Promise.all((await channels.list()).map((r) => toApi(hub, r))) }, 200),
    );

    app.openapi(getOne, async (c) => {
      const row = await channels.get(c.req.valid('param').id);
      if (!row) throw notFound('notification channel', c.req.valid('param').id);
      return c.json(await toApi(hub, row), 200);
    });

    app.openapi(create, async (c) => {
      const b = c.req.valid('json');
      if (await channels.byName(b.name)) throw conflict(`a channel named "${b.name}" already exists`);
      const v = validate(b.type, b.config, mergeSecrets({}, b.secrets));
      await checkRoutes(hub, b.routes);
      const id = await save(null, {
        ...b,
        config: v.config,
        secret: hub.secrets.encrypt(JSON.stringify(v.secrets)),
      });
      c.set('auditTarget', { type: 'notification_channel', id });
      c.set('auditDetails', { type: b.type, secrets_set: Object.keys(v.secrets) });
      return c.json(await toApi(hub, (await channels.get(id))!), 201);
    });

    app.openapi(update, async (c) => {
      const { id } = c.req.valid('param');
      const b = c.req.valid('json');
      const row = await channels.get(id);
      if (!row) throw notFound('notification channel', id);
      const other = b.name !== undefined ? await channels.byName(b.name) : undefined;
      if (other && other.id !== id) throw conflict(`a channel named "${b.name}" already exists`);
      let current: Record<string, string>;
      try {
        current = decryptSecrets(hub, row);
      } catch {
        current = {};
      }
      const v = validate(
        row.type,
        b.config ?? JSON.parse(row.config),
        mergeSecrets(current, b.secrets ?? {}),
      );
      const routes = b.routes ?? (await channels.routes(id)).map(parseRoute);
      await checkRoutes(hub, routes);
      await save(id, {
        name: b.name ?? row.name,
        type: row.type,
        enabled: b.enabled ?? row.enabled === 1,
        min_severity: b.min_severity ?? row.min_severity,
        daily_summary: b.daily_summary ?? row.daily_summary === 1,
        config: v.config,
        secret: hub.secrets.encrypt(JSON.stringify(v.secrets)),
        routes,
      });
      return c.json(await toApi(hub, (await channels.get(id))!), 200);
    });

    app.openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      await hub.store.unit(async (tx) => {
        if (!(await tx.channels.delete(id))) throw notFound('notification channel', id);
        await tx.alertingState.bumpConfigVersion();
      });
      return c.body(null, 204);
    });

    app.openapi(test, async (c) => {
      const { id } = c.req.valid('param');
      const row = await channels.get(id);
      if (!row) throw notFound('notification channel', id);
      const outbox = hub.store.notifications;
      const message = testMessage(row.name, hub.clock());
      const outboxId = await outbox.enqueue(id, null, message.kind, message, hub.clock());
      const r = await deliver(row, message, `outbox-${outboxId}`, {
        secrets: hub.secrets,
        timeoutMs: 15_000,
        targets: notifyTargets(hub.config),
      });
      await outbox.recordAttempt(
        outboxId,
        { ts: hub.clock(), ok: r.ok, statusCode: r.statusCode, error: r.error, durationMs: r.durationMs },
        { status: r.ok ? 'delivered' : 'failed' },
      );
      c.set('auditDetails', { ok: r.ok });
      return c.json(
        { ok: r.ok, status_code: r.statusCode ?? null, error: r.error ?? null, duration_ms: r.durationMs },
        200,
      );
    });
  },
};
