import { z } from '@hono/zod-openapi';
import { isValidAgentId } from '@outpost/protocol';
import { RateLimiter } from '../../auth/rate-limit.js';
import { DynsecError } from '../../broker/dynsec.js';
import {
  agentEndpoints,
  createEnrollmentToken,
  EnrollmentError,
  enrollAgent,
  parseTtl,
} from '../../link/enrollment.js';
import type { AgentRow } from '../../store/agents.js';
import { defineRoute } from '../access.js';
import { ApiError, notFound, unprocessable } from '../errors.js';
import { clientIp } from '../middleware/observe.js';
import { body, errors, iso, json, text } from '../schemas.js';
import { requireInScope, siteFilterFor } from '../site-scope.js';
import type { RouteModule } from '../types.js';

const AgentSchema = z
  .object({
    id: z.string(),
    site_id: z.number().int(),
    hostname: z.string().nullable(),
    version: z.string().nullable(),
    status: z.enum(['online', 'offline']),
    status_reason: z.string().nullable(),
    connected: z.boolean().openapi({
      description:
        'The agent holds a broker connection now. With an external broker (which does not tell the hub), the ' +
        'agent is online by its status and heartbeats.',
    }),
    last_seen: z.string().nullable(),
    started_at: z.string().nullable(),
    config_version_applied: z.number().int().nullable(),
    backlog: z.number().int(),
    dropped: z.number().int(),
    invalid_payloads: z.number().int(),
    refused_items: z.number().int(),
    ack_up_to: z.number().int().nullable(),
    revoked_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('Agent');

const EnrollBody = z
  .object({
    token: z.string().min(1).max(200),
    hostname: text(255).pipe(z.string().min(1, 'must not be empty')),
    version: text(64).pipe(z.string().min(1, 'must not be empty')),
  })
  .strict()
  .openapi('EnrollRequest');

const EnrollResponse = z
  .object({
    agent_id: z.string(),
    secret: z.string().openapi({ description: 'The agent secret: shown once, store it on the agent only' }),
    site_id: z.number().int(),
    mqtt: z.object({ urls: z.array(z.string()) }),
    hub_url: z.string(),
    release_key: z.string().optional().openapi({
      description:
        'The release key (raw Ed25519, base64) agent upgrades are signed with, when the hub has one: the agent pins it',
    }),
  })
  .openapi('EnrollResponse');

const TokenBody = z
  .object({
    site_id: z.number().int().positive().optional(),
    site: z.string().min(1).max(200).optional().openapi({ description: 'Site name (instead of site_id)' }),
    ttl: z
      .string()
      .max(16)
      .optional()
      .openapi({ description: 'Lifetime such as 24h, 30m, 7d (default 24h)' }),
  })
  .strict()
  .refine((b) => (b.site_id === undefined) !== (b.site === undefined), {
    message: 'give exactly one of site_id or site',
    path: ['site_id'],
  })
  .openapi('EnrollmentTokenRequest');

const TokenResponse = z
  .object({
    token: z.string().openapi({ description: 'One-time token: shown once, stored hashed' }),
    site_id: z.number().int(),
    expires_at: z.string(),
    command: z.string().openapi({ description: 'The agent command that uses it' }),
  })
  .openapi('EnrollmentToken');

const AgentIdParam = z.object({
  id: z
    .string()
    .refine(isValidAgentId, 'not a valid agent id')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'agent-0123456789abcdef' }),
});

const ListQuery = z.object({
  site_id: z.coerce.number().int().positive().optional(),
  status: z.enum(['online', 'offline']).optional(),
});

const enroll = defineRoute({
  method: 'post',
  path: '/agents/enroll',
  access: 'public',
  tags: ['agents'],
  summary: 'Enroll an agent with a one-time token (the token is the credential)',
  request: { body: body(EnrollBody) },
  responses: {
    201: json(EnrollResponse, 'Enrolled: the agent id, its secret and where to connect'),
    410: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'The token expired'),
    ...errors(400, 401, 409, 429, 503),
  },
});

const createToken = defineRoute({
  method: 'post',
  path: '/agents/enrollment-tokens',
  // Admin only: whoever enrolls an agent receives its site's decrypted device and camera secrets.
  access: 'admin',
  site: 'refuse',
  tags: ['agents'],
  summary:
    "Create a one-time enrollment token bound to a site (admin: the enrolled agent receives the site's secrets)",
  request: { body: body(TokenBody) },
  responses: { 201: json(TokenResponse, 'The token (shown once)'), ...errors(400, 401, 403, 422) },
});

const list = defineRoute({
  method: 'get',
  path: '/agents',
  access: 'viewer',
  site: 'own',
  tags: ['agents'],
  summary: 'Agents with their presence, version, counters and config version applied',
  request: { query: ListQuery },
  responses: { 200: json(z.object({ items: z.array(AgentSchema) }), 'Agents'), ...errors(400, 401) },
});

const getOne = defineRoute({
  method: 'get',
  path: '/agents/{id}',
  access: 'viewer',
  site: 'own',
  tags: ['agents'],
  summary: 'One agent',
  request: { params: AgentIdParam },
  responses: { 200: json(AgentSchema, 'The agent'), ...errors(400, 401, 404) },
});

const AgentEventSchema = z
  .object({
    id: z.number().int(),
    ts: z.string(),
    type: z.string(),
    device_id: z.number().int().nullable(),
    camera_id: z.number().int().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('AgentEvent');

const events = defineRoute({
  method: 'get',
  path: '/agents/{id}/events',
  access: 'viewer',
  site: 'own',
  tags: ['agents'],
  summary: "An agent's reported events (errors, buffer drops, lifecycle, state changes), newest first",
  request: {
    params: AgentIdParam,
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
  },
  responses: {
    200: json(z.object({ items: z.array(AgentEventSchema) }), 'Events'),
    ...errors(400, 401, 404),
  },
});

const revoke = defineRoute({
  method: 'post',
  path: '/agents/{id}/revoke',
  access: 'admin',
  site: 'refuse',
  tags: ['agents'],
  summary: 'Revoke an agent: its connection is closed at once and its secret refused from then on',
  request: { params: AgentIdParam },
  responses: { 200: json(AgentSchema, 'The revoked agent'), ...errors(400, 401, 403, 404, 409) },
});

/** The command an operator runs on the agent's machine. */
export function enrollCommand(hubUrl: string, token: string): string {
  return `outpost-agent enroll --hub ${hubUrl} --token ${token}`;
}

export const agentsRoutes: RouteModule = {
  name: 'agents',
  register(app, hub, { link }) {
    const agents = hub.store.agents;
    const limiter = new RateLimiter(hub.config.enrollRateLimitPerMinute, 60_000, hub.clock);
    const view = async (a: AgentRow) => {
      return {
        id: a.id,
        site_id: a.site_id,
        hostname: a.hostname,
        version: a.version,
        status: a.status,
        status_reason: a.status_reason,
        connected: link ? (link.bus.connected()?.includes(a.id) ?? a.status === 'online') : false,
        last_seen: iso(a.last_seen),
        started_at: iso(a.started_at),
        config_version_applied: a.config_version_applied,
        backlog: a.backlog,
        dropped: a.dropped,
        invalid_payloads: a.invalid_payloads,
        refused_items: a.refused_items,
        ack_up_to: await hub.store.ledger.upTo(a.id),
        revoked_at: iso(a.revoked_at),
        created_at: iso(a.created_at) as string,
      };
    };
    const ports = () =>
      link?.ports.current ?? (hub.config.mqttPlain ? { mqttPort: hub.config.mqttPort } : {});

    app.openapi(enroll, async (c) => {
      const gate = limiter.hit(clientIp(c));
      if (!gate.allowed) {
        throw new ApiError(429, 'rate_limited', 'too many enrollment attempts; try again later', undefined, {
          'Retry-After': String(gate.retryAfterS),
        });
      }
      const b = c.req.valid('json');
      let enrolled: Awaited<ReturnType<typeof enrollAgent>>;
      // With an external broker the agent needs its broker account before it may connect.
      if (!link && hub.config.brokerUrl)
        throw new ApiError(
          503,
          'unavailable',
          'the hub is not connected to its broker yet; try again shortly',
        );
      try {
        enrolled = await enrollAgent(
          hub.store,
          { token: b.token, hostname: b.hostname, version: b.version, now: hub.clock() },
          link ? (id, secret) => link.bus.admit(id, secret) : undefined,
        );
      } catch (err) {
        if (err instanceof DynsecError) {
          hub.logger.error({ err }, 'enrollment: the broker refused the agent account');
          throw new ApiError(
            503,
            'unavailable',
            'the broker did not accept the agent account; try again shortly',
          );
        }
        if (!(err instanceof EnrollmentError)) throw err;
        const status = err.reason === 'unknown' ? 401 : err.reason === 'used' ? 409 : 410;
        throw new ApiError(status, `token_${err.reason}`, err.message);
      }
      c.set('auditActor', { username: `agent:${enrolled.agent_id}` });
      c.set('auditTarget', { type: 'agent', id: enrolled.agent_id });
      c.set('auditDetails', { site_id: enrolled.site_id, hostname: b.hostname });
      hub.logger.info(
        { agent: enrolled.agent_id, site: enrolled.site_id, hostname: b.hostname },
        'agent enrolled',
      );
      return c.json(
        {
          ...enrolled,
          ...agentEndpoints(hub.config, c.req.url, ports()),
          ...(hub.config.releasePublicKey ? { release_key: hub.config.releasePublicKey.trim() } : {}),
        },
        201,
      );
    });

    app.openapi(createToken, async (c) => {
      const b = c.req.valid('json');
      const site =
        b.site_id !== undefined
          ? await hub.store.sites.get(b.site_id)
          : await hub.store.sites.byName(b.site as string);
      if (!site)
        throw unprocessable(`site ${b.site_id ?? b.site} does not exist`, [
          { path: b.site_id !== undefined ? 'body.site_id' : 'body.site', message: 'no such site' },
        ]);
      let ttlMs: number;
      try {
        ttlMs = parseTtl(b.ttl ?? '24h');
      } catch (err) {
        throw new ApiError(400, 'validation_failed', (err as Error).message, [
          { path: 'body.ttl', message: (err as Error).message },
        ]);
      }
      const t = await createEnrollmentToken(hub.store, {
        site_id: site.id,
        ttl_ms: ttlMs,
        created_by: c.var.user?.id ?? null,
        now: hub.clock(),
      });
      c.set('auditTarget', { type: 'enrollment_token', id: t.id });
      c.set('auditDetails', { site_id: site.id });
      const { hub_url } = agentEndpoints(hub.config, c.req.url, ports());
      return c.json(
        {
          token: t.token,
          site_id: site.id,
          expires_at: iso(t.expires_at) as string,
          command: enrollCommand(hub_url, t.token),
        },
        201,
      );
    });

    app.openapi(list, async (c) => {
      const q = c.req.valid('query');
      return c.json(
        {
          items: await Promise.all(
            (await agents.list({ ...q, site_id: siteFilterFor(c, q.site_id) })).map(view),
          ),
        },
        200,
      );
    });

    app.openapi(getOne, async (c) => {
      const { id } = c.req.valid('param');
      const a = await agents.get(id);
      if (!a) throw notFound('agent', id);
      requireInScope(c, 'agent', id, a.site_id);
      return c.json(await view(a), 200);
    });

    app.openapi(events, async (c) => {
      const { id } = c.req.valid('param');
      const { limit } = c.req.valid('query');
      const agent = await agents.get(id);
      if (!agent) throw notFound('agent', id);
      requireInScope(c, 'agent', id, agent.site_id);
      const items = (await hub.store.agentEvents.list({ agent_id: id, limit })).map((e) => ({
        id: e.id,
        ts: iso(e.ts) as string,
        type: e.type,
        device_id: e.device_id,
        camera_id: e.camera_id,
        data: e.data,
      }));
      return c.json({ items }, 200);
    });

    app.openapi(revoke, async (c) => {
      const { id } = c.req.valid('param');
      const a = await agents.get(id);
      if (!a) throw notFound('agent', id);
      if (a.revoked_at !== null) throw new ApiError(409, 'conflict', `agent ${id} is already revoked`);
      if (link) await link.revocation.revoke(id);
      else await agents.revoke(id, hub.clock());
      hub.logger.info({ agent: id, by: c.var.user?.username }, 'agent revoked');
      return c.json(await view((await agents.get(id)) as AgentRow), 200);
    });
  },
};
