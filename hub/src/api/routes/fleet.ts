import { z } from '@hono/zod-openapi';
import { SEVERITIES } from '../../alerts/types.js';
import { macSearchHex } from '../../fleet/mac.js';
import { BACKLOG_NOISE_ROWS, rankSites } from '../../fleet/overview.js';
import { defineRoute } from '../access.js';
import { errors, iso, json, PaginationSchema, pagination } from '../schemas.js';
import { callerSites, inCallerScope } from '../site-scope.js';
import type { RouteModule } from '../types.js';

const STATES = ['critical', 'problem', 'warning', 'ok', 'empty'] as const;
const BySeverity = z.object(Object.fromEntries(SEVERITIES.map((s) => [s, z.number().int()]))) as z.ZodObject<
  Record<(typeof SEVERITIES)[number], z.ZodNumber>
>;

const SiteHealth = z
  .object({
    id: z.number().int(),
    name: z.string(),
    rank: z.number().int().openapi({ description: '1 = the worst site' }),
    state: z.enum(STATES),
    reasons: z.array(z.string()).openapi({ description: 'What is wrong, worst first' }),
    agents: z.number().int(),
    agents_online: z.number().int(),
    agent_offline: z.boolean().openapi({ description: 'The site has agents and all are offline' }),
    backlog: z.number().int(),
    backlog_growing: z.boolean(),
    last_seen: z.string().nullable(),
    devices: z.number().int(),
    devices_down: z.number().int().openapi({ description: 'unreachable or auth_failed' }),
    devices_auth_failed: z.number().int(),
    devices_unknown: z.number().int(),
    cameras: z.number().int(),
    cameras_down: z.number().int(),
    cameras_degraded: z.number().int(),
    open: BySeverity.openapi({ description: 'Open alerts by severity' }),
    unacknowledged: BySeverity.openapi({ description: 'Open alerts by severity nobody acknowledged' }),
    oldest_problem_at: z
      .string()
      .nullable()
      .openapi({ description: 'When the oldest open critical or high alert opened' }),
  })
  .openapi('SiteHealth');

const Overview = z
  .object({
    generated_at: z.string(),
    totals: z.object({
      sites: z.number().int(),
      by_state: z.object(Object.fromEntries(STATES.map((s) => [s, z.number().int()]))),
      agents_offline_sites: z.number().int(),
      devices: z.number().int(),
      devices_down: z.number().int(),
      cameras: z.number().int(),
      cameras_down: z.number().int(),
      open: BySeverity,
    }),
    sites: z.array(SiteHealth).openapi({ description: 'One page of sites, worst first' }),
    grid: z
      .array(
        z.object({
          id: z.number().int(),
          name: z.string(),
          state: z.enum(STATES),
          reason: z.string().nullable(),
        }),
      )
      .openapi({
        description: 'Every site, worst first, in a compact form (one cell each in the health grid)',
      }),
    pagination: PaginationSchema,
  })
  .openapi('FleetOverview');

const Hit = z
  .object({
    kind: z.enum(['site', 'device', 'camera', 'alert']),
    id: z.number().int(),
    title: z.string(),
    matched: z
      .string()
      .openapi({ description: 'The field that matched: name, ip_address, sys_name, mac_address, ...' }),
    site_id: z.number().int().nullable(),
    status: z.string().optional(),
    severity: z.string().optional(),
    state: z.string().optional(),
    ip_address: z.string().optional(),
    sys_name: z.string().nullable().optional(),
    mac_address: z.string().nullable().optional(),
    at: z.string().optional(),
  })
  .openapi('SearchHit');

const SearchResult = z
  .object({
    query: z.string(),
    sites: z.array(Hit),
    devices: z.array(Hit),
    cameras: z.array(Hit),
    alerts: z.array(Hit),
    more: z.array(z.enum(['site', 'device', 'camera', 'alert'])).openapi({
      description: 'Kinds with more hits than the limit (narrow the query, or open that list)',
    }),
  })
  .openapi('SearchResult');

const overview = defineRoute({
  method: 'get',
  path: '/overview',
  access: 'viewer',
  site: 'own',
  tags: ['fleet'],
  summary:
    'Every site ranked by what is wrong (open critical and high alerts, agent offline, devices down, backlog growing)',
  request: {
    query: z
      .object({
        page: z.coerce.number().int().min(1).default(1),
        per_page: z.coerce.number().int().min(1).max(1000).default(25),
        state: z.enum(STATES).optional().openapi({ description: 'Only sites in this state (the page)' }),
        site_id: z.coerce
          .number()
          .int()
          .positive()
          .optional()
          .openapi({ description: 'Only this site (the page)' }),
        grid: z
          .enum(['true', 'false'])
          .default('true')
          .transform((v) => v === 'true')
          .openapi({ description: 'false leaves the grid out (one site, or paging)' }),
      })
      .strict(),
  },
  responses: {
    200: json(Overview, 'Totals, a page of ranked sites and the health grid'),
    ...errors(400, 401),
  },
});

const search = defineRoute({
  method: 'get',
  path: '/search',
  access: 'viewer',
  site: 'own',
  tags: ['fleet'],
  summary: 'Search sites, devices (name, IP, sysName, MAC), cameras and alerts',
  request: {
    query: z
      .object({
        q: z.string().trim().min(2, 'at least 2 characters').max(100),
        limit: z.coerce.number().int().min(1).max(50).default(8),
      })
      .strict(),
  },
  responses: { 200: json(SearchResult, 'Hits per kind, best first'), ...errors(400, 401) },
});

export const fleetRoutes: RouteModule = {
  name: 'fleet',
  register(app, hub) {
    const fleet = hub.store.fleet;

    app.openapi(overview, async (c) => {
      const q = c.req.valid('query');
      const now = hub.clock();
      // A caller limited to some sites gets the overview of those sites: totals and grid included.
      const ranked = rankSites(await fleet.siteHealth(now, BACKLOG_NOISE_ROWS)).filter((s) =>
        inCallerScope(c, s.id),
      );
      const byState = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<
        (typeof STATES)[number],
        number
      >;
      const open = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<
        (typeof SEVERITIES)[number],
        number
      >;
      let agentsOffline = 0;
      let devices = 0;
      let devicesDown = 0;
      let cameras = 0;
      let camerasDown = 0;
      for (const s of ranked) {
        byState[s.state]++;
        if (s.agent_offline) agentsOffline++;
        devices += s.devices;
        devicesDown += s.devices_down;
        cameras += s.cameras;
        camerasDown += s.cameras_down;
        for (const sev of SEVERITIES) open[sev] += s.open[sev];
      }
      const listed = ranked.filter(
        (s) => (!q.state || s.state === q.state) && (!q.site_id || s.id === q.site_id),
      );
      const page = listed.slice((q.page - 1) * q.per_page, q.page * q.per_page);
      return c.json(
        {
          generated_at: new Date(now).toISOString(),
          totals: {
            sites: ranked.length,
            by_state: byState,
            agents_offline_sites: agentsOffline,
            devices,
            devices_down: devicesDown,
            cameras,
            cameras_down: camerasDown,
            open,
          },
          sites: page.map((s) => ({
            ...s,
            last_seen: iso(s.last_seen),
            oldest_problem_at: iso(s.oldest_problem_at),
          })),
          grid: q.grid
            ? ranked.map((s) => ({ id: s.id, name: s.name, state: s.state, reason: s.reasons[0] ?? null }))
            : [],
          pagination: pagination(q.page, q.per_page, listed.length),
        },
        200,
      );
    });

    app.openapi(search, async (c) => {
      const { q, limit } = c.req.valid('query');
      const sites = callerSites(c);
      const r = await fleet.search({ text: q, macHex: macSearchHex(q), limit, ...(sites ? { sites } : {}) });
      const out = (hits: typeof r.sites) =>
        hits.map(({ at, ...h }) => ({ ...h, ...(at !== undefined ? { at: iso(at)! } : {}) }));
      return c.json(
        {
          query: q,
          sites: out(r.sites),
          devices: out(r.devices),
          cameras: out(r.cameras),
          alerts: out(r.alerts),
          more: r.more,
        },
        200,
      );
    });
  },
};
