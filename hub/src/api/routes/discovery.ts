import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { defineRoute } from '../access.js';
import { notFound } from '../errors.js';
import { body, errors, IdParam, iso, json, OkSchema } from '../schemas.js';
import { inCallerScope } from '../site-scope.js';
import type { HubEnv, RouteModule } from '../types.js';

const Ipv4 = z.ipv4();

const DiscoverFields = {
  cidrs: z
    .array(z.string().max(43))
    .min(1)
    .max(64)
    .openapi({
      example: ['192.0.2.0/24'],
      description: 'IPv4 ranges; each at most the bound (discoveryMaxPrefix, /22 by default)',
    }),
  credential_set_ids: z
    .array(z.number().int().positive())
    .max(16)
    .optional()
    .openapi({ description: "Sets to try, in order; absent: the site's sets, then the global ones" }),
  ports: z.array(z.number().int().min(1).max(65_535)).max(16).optional(),
  snmp_port: z.number().int().min(1).max(65_535).optional(),
  rate_pps: z.number().int().min(1).max(5_000).optional(),
  concurrency: z.number().int().min(1).max(512).optional(),
  timeout_ms: z.number().int().min(100).max(10_000).optional(),
  onvif: z.boolean().optional(),
};
const DiscoverRequest = z.object(DiscoverFields).strict().openapi('DiscoverRequest');
const Schedule = z
  .object({
    ...DiscoverFields,
    interval_s: z
      .number()
      .int()
      .min(3_600)
      .max(30 * 86_400),
  })
  .strict()
  .openapi('DiscoverySchedule');
const ScheduleView = z
  .object({
    site_id: z.number().int(),
    args: z.record(z.string(), z.unknown()),
    interval_s: z.number().int(),
    next_run_at: z.string(),
    last_job_id: z.string().nullable(),
  })
  .openapi('DiscoveryScheduleView');

const Host = z
  .object({
    ip: z.string(),
    found: z
      .record(z.string(), z.unknown())
      .openapi({ description: "The agent's finding (protocol DiscoveredHost)" }),
    status: z.enum(['new', 'existing', 'changed']),
    match: z
      .object({ kind: z.enum(['device', 'camera']), id: z.number().int(), name: z.string(), by: z.string() })
      .optional(),
    changes: z.array(z.object({ field: z.string(), was: z.string().nullable(), now: z.string() })),
    first_seen: z.string(),
    last_seen: z.string(),
    job_id: z.string().nullable(),
  })
  .openapi('DiscoveredHost');

const Accept = z
  .object({
    ips: z.array(Ipv4).min(1).max(4096).optional(),
    all: z.literal(true).optional(),
    names: z.record(z.string(), z.string().trim().min(1).max(100)).optional(),
  })
  .strict()
  .refine((b) => (b.ips !== undefined) !== (b.all !== undefined), {
    message: 'give either ips (a selection) or all: true (every new host)',
    path: ['ips'],
  })
  .openapi('AcceptDiscovered');
const Accepted = z
  .object({
    created: z.array(z.object({ ip: z.string(), kind: z.enum(['device', 'camera']), id: z.number().int() })),
    refused: z.array(z.object({ ip: z.string(), reason: z.string() })),
  })
  .openapi('AcceptedDiscovered');

const discover = defineRoute({
  method: 'post',
  path: '/sites/{id}/discover',
  access: 'operator',
  site: 'own',
  tags: ['discovery'],
  summary: "Discover a site's devices and cameras: a sweep by its agent (a job)",
  description:
    'ICMP echo, SNMP system group with each credential of the sets, TCP ports with RTSP OPTIONS and ONVIF ' +
    'WS-Discovery, bounded in rate and concurrency. Found hosts stream into GET /sites/{id}/discovered. A range ' +
    'wider than discoveryMaxPrefix is refused (400 range_too_wide); one not wholly inside discoveryAllowedNetworks ' +
    '(the private ranges by default) is refused for every role (400 network_not_allowed).',
  request: { params: IdParam, body: body(DiscoverRequest) },
  responses: {
    202: json(z.object({ job_id: z.string(), addresses: z.number().int() }), 'Sweep started'),
    ...errors(400, 401, 403, 404, 422),
  },
});

const listDiscovered = defineRoute({
  method: 'get',
  path: '/sites/{id}/discovered',
  access: 'viewer',
  site: 'own',
  tags: ['discovery'],
  summary:
    "A site's discovered hosts, each new, already monitored (matched by MAC, IP or sysName) or changed",
  request: { params: IdParam },
  responses: { 200: json(z.object({ hosts: z.array(Host) }), 'Hosts'), ...errors(400, 401, 404) },
});

const accept = defineRoute({
  method: 'post',
  path: '/sites/{id}/discovered/accept',
  access: 'operator',
  site: 'own',
  tags: ['discovery'],
  summary:
    'Create devices and cameras from discovered hosts (a selection or every new one), in one transaction',
  description:
    'SNMP hosts become devices referencing the credential that answered; RTSP/ONVIF hosts become cameras. ' +
    'Hosts already monitored or without a usable credential are listed in refused with the reason.',
  request: { params: IdParam, body: body(Accept) },
  responses: { 200: json(Accepted, 'What was created and what was not'), ...errors(400, 401, 403, 404, 422) },
});

const dismiss = defineRoute({
  method: 'post',
  path: '/sites/{id}/discovered/dismiss',
  access: 'operator',
  site: 'own',
  tags: ['discovery'],
  summary: 'Forget discovered hosts (found again by a later sweep)',
  request: {
    params: IdParam,
    body: body(z.object({ ips: z.array(Ipv4).min(1).max(4096) }).strict()),
  },
  responses: {
    200: json(z.object({ removed: z.number().int() }), 'How many were forgotten'),
    ...errors(400, 401, 403, 404),
  },
});

const getSchedule = defineRoute({
  method: 'get',
  path: '/sites/{id}/discovery-schedule',
  access: 'viewer',
  site: 'own',
  tags: ['discovery'],
  summary: "A site's repeated discovery, if any",
  request: { params: IdParam },
  responses: {
    200: json(z.object({ schedule: ScheduleView.nullable() }), 'The schedule or null'),
    ...errors(400, 401, 404),
  },
});

const putSchedule = defineRoute({
  method: 'put',
  path: '/sites/{id}/discovery-schedule',
  access: 'operator',
  site: 'own',
  tags: ['discovery'],
  summary: 'Repeat a discovery every interval_s (at least an hour); the first run is one interval from now',
  request: { params: IdParam, body: body(Schedule) },
  responses: {
    200: json(z.object({ schedule: ScheduleView }), 'The schedule'),
    ...errors(400, 401, 403, 404),
  },
});

const deleteSchedule = defineRoute({
  method: 'delete',
  path: '/sites/{id}/discovery-schedule',
  access: 'operator',
  site: 'own',
  tags: ['discovery'],
  summary: "Stop a site's repeated discovery",
  request: { params: IdParam },
  responses: { 200: json(OkSchema, 'Stopped'), ...errors(400, 401, 403, 404) },
});

export const discoveryRoutes: RouteModule = {
  name: 'discovery',
  register(app, hub, { onboarding }) {
    // Another site than a scoped caller's is not found, as if it did not exist.
    const requireSite = async (c: Context<HubEnv>, id: number) => {
      if (!inCallerScope(c, id) || !(await hub.store.sites.get(id))) throw notFound('site', id);
    };
    /** The range bound and credential sets are checked as a discover would, so a schedule never fails later. */
    const checked = async (id: number, args: z.infer<typeof DiscoverRequest>) => {
      const o = onboarding;
      return o.discovery.check(id, args);
    };

    app.openapi(discover, async (c) => {
      const { id } = c.req.valid('param');
      await requireSite(c, id);
      const job = await onboarding.discovery.discover(id, c.req.valid('json'), c.var.user?.id ?? null);
      c.set('auditTarget', { type: 'site', id });
      c.set('auditDetails', { job_id: job.id, cidrs: c.req.valid('json').cidrs });
      return c.json({ job_id: job.id, addresses: job.addresses }, 202);
    });

    app.openapi(listDiscovered, async (c) => {
      const { id } = c.req.valid('param');
      await requireSite(c, id);
      const hosts = await onboarding.discovery.list(id);
      return c.json(
        {
          hosts: hosts.map((h) => ({
            ...h,
            found: h.found as unknown as Record<string, unknown>,
            first_seen: iso(h.first_seen) as string,
            last_seen: iso(h.last_seen) as string,
          })),
        },
        200,
      );
    });

    app.openapi(accept, async (c) => {
      const { id } = c.req.valid('param');
      await requireSite(c, id);
      const b = c.req.valid('json');
      const out = await onboarding.discovery.accept(
        id,
        {
          ...(b.ips ? { ips: b.ips } : {}),
          ...(b.all ? { all: true } : {}),
          ...(b.names ? { names: b.names } : {}),
        },
        c.var.user?.id ?? null,
      );
      c.set('auditTarget', { type: 'site', id });
      c.set('auditDetails', { created: out.created.length, refused: out.refused.length });
      return c.json(out, 200);
    });

    app.openapi(dismiss, async (c) => {
      const { id } = c.req.valid('param');
      await requireSite(c, id);
      const removed = await hub.store.discovered.remove(id, c.req.valid('json').ips);
      if (removed) hub.events.emit('topology.changed', { site_id: id, what: 'discovered' });
      return c.json({ removed }, 200);
    });

    const scheduleView = (s: {
      site_id: number;
      args: string;
      interval_s: number;
      next_run_at: number;
      last_job_id: string | null;
    }) => ({
      site_id: s.site_id,
      args: JSON.parse(s.args) as Record<string, unknown>,
      interval_s: s.interval_s,
      next_run_at: iso(s.next_run_at) as string,
      last_job_id: s.last_job_id,
    });

    app.openapi(getSchedule, async (c) => {
      const { id } = c.req.valid('param');
      await requireSite(c, id);
      const s = await hub.store.topology.schedule(id);
      return c.json({ schedule: s ? scheduleView(s) : null }, 200);
    });

    app.openapi(putSchedule, async (c) => {
      const { id } = c.req.valid('param');
      await requireSite(c, id);
      const { interval_s, ...args } = c.req.valid('json');
      await checked(id, args);
      const now = hub.clock();
      const before = await hub.store.topology.schedule(id);
      const row = {
        site_id: id,
        args: JSON.stringify(args),
        interval_s,
        next_run_at: now + interval_s * 1000,
        last_job_id: before?.last_job_id ?? null,
        updated_at: now,
      };
      await hub.store.topology.setSchedule(row);
      c.set('auditTarget', { type: 'site', id });
      return c.json({ schedule: scheduleView(row) }, 200);
    });

    app.openapi(deleteSchedule, async (c) => {
      const { id } = c.req.valid('param');
      await requireSite(c, id);
      await hub.store.topology.setSchedule({ site_id: id, delete: true });
      c.set('auditTarget', { type: 'site', id });
      return c.json({ ok: true as const }, 200);
    });
  },
};
