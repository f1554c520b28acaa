import { z } from '@hono/zod-openapi';
import { compareReleaseVersions, ReleaseVersion } from '@outpost/protocol';
import { isStoreError } from '../../store/errors.js';
import {
  ROLLOUT_AGENT_STATES,
  ROLLOUT_STATES,
  type RolloutAgentRow,
  type RolloutRow,
} from '../../store/rollouts.js';
import { defineRoute } from '../access.js';
import { ApiError, conflict, notFound, unprocessable } from '../errors.js';
import { body, errors, IdParam, iso, json } from '../schemas.js';
import type { RouteModule } from '../types.js';

const Counts = z
  .object(Object.fromEntries(ROLLOUT_AGENT_STATES.map((s) => [s, z.number().int()])))
  .openapi('RolloutCounts');

const RolloutSchema = z
  .object({
    id: z.number().int(),
    version: z.string(),
    state: z.enum(ROLLOUT_STATES),
    site_id: z.number().int().nullable().openapi({ description: 'The site of the first stage' }),
    percent: z.number().int().openapi({ description: 'Share of the other agents selected (100: all)' }),
    confirm_s: z.number().int(),
    note: z.string().nullable(),
    created_by: z.number().int().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    finished_at: z.string().nullable(),
    agents: Counts.openapi({ description: 'Selected agents by state' }),
  })
  .openapi('Rollout');

const RolloutAgentSchema = z
  .object({
    agent_id: z.string(),
    site_id: z.number().int(),
    from_version: z.string().nullable(),
    state: z.enum(ROLLOUT_AGENT_STATES),
    job_id: z.string().nullable(),
    detail: z.string().nullable(),
    since: z.string(),
  })
  .openapi('RolloutAgent');

const CreateRollout = z
  .object({
    version: ReleaseVersion,
    site_id: z
      .number()
      .int()
      .positive()
      .optional()
      .openapi({ description: 'First stage: the agents of one site' }),
    percent: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: 'Or start with a share of all agents' }),
    confirm_s: z.number().int().min(10).max(86_400).optional().openapi({
      description:
        'Seconds each new version has to reach the hub before its agent rolls it back (default rolloutConfirmS)',
    }),
  })
  .strict()
  .refine((b) => b.site_id !== undefined || b.percent !== undefined, {
    message: 'give site_id (the first stage) or percent',
    path: ['site_id'],
  })
  .openapi('CreateRollout');

const Expand = z
  .object({ percent: z.number().int().min(1).max(100).openapi({ description: '100 selects every agent' }) })
  .strict()
  .openapi('ExpandRollout');

const tags = ['fleet upgrades'];
const list = defineRoute({
  method: 'get',
  path: '/rollouts',
  access: 'viewer',
  site: 'refuse',
  tags,
  summary: 'Rollouts, newest first, with their agents counted by state',
  responses: { 200: json(z.object({ rollouts: z.array(RolloutSchema) }), 'Rollouts'), ...errors(401, 403) },
});
const versions = defineRoute({
  method: 'get',
  path: '/agent-versions',
  access: 'viewer',
  site: 'refuse',
  tags,
  summary: 'Every agent version in the fleet with how many agents run it (and are online)',
  responses: {
    200: json(
      z.object({
        versions: z.array(
          z.object({ version: z.string().nullable(), agents: z.number().int(), online: z.number().int() }),
        ),
      }),
      'Versions',
    ),
    ...errors(401, 403),
  },
});
const get = defineRoute({
  method: 'get',
  path: '/rollouts/{id}',
  access: 'viewer',
  site: 'refuse',
  tags,
  summary: 'One rollout and each agent it selected',
  request: { params: IdParam },
  responses: {
    200: json(RolloutSchema.extend({ agent_list: z.array(RolloutAgentSchema) }), 'The rollout'),
    ...errors(400, 401, 403, 404),
  },
});
const create = defineRoute({
  method: 'post',
  path: '/rollouts',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Start rolling a release out: to one site first (site_id), or to a share of the agents (percent)',
  request: { body: body(CreateRollout) },
  responses: { 201: json(RolloutSchema, 'Started'), ...errors(400, 401, 403, 409, 413, 415, 422) },
});
const expand = defineRoute({
  method: 'post',
  path: '/rollouts/{id}/expand',
  access: 'admin',
  site: 'refuse',
  tags,
  summary:
    'Widen the rollout to a share of every agent (100: all); the share only grows. Resumes a paused rollout',
  request: { params: IdParam, body: body(Expand) },
  responses: { 200: json(RolloutSchema, 'Widened'), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
});
const action = (verb: 'pause' | 'resume' | 'cancel', summary: string) =>
  defineRoute({
    method: 'post',
    path: `/rollouts/{id}/${verb}`,
    access: 'admin',
    site: 'refuse',
    tags,
    summary,
    request: { params: IdParam },
    responses: { 200: json(RolloutSchema, 'Done'), ...errors(400, 401, 403, 404, 409) },
  });
const pause = action('pause', 'Pause: no more agents are sent the upgrade (those already sent finish)');
const resume = action('resume', 'Resume a paused rollout (agents that failed stay failed in it)');
const cancel = action('cancel', 'End the rollout; agents already upgraded keep the new version');

const rolloutToApi = (r: RolloutRow, agents: readonly RolloutAgentRow[]) => ({
  id: r.id,
  version: r.version,
  state: r.state,
  site_id: r.site_id,
  percent: r.percent,
  confirm_s: r.confirm_s,
  note: r.note,
  created_by: r.created_by,
  created_at: iso(r.created_at) as string,
  updated_at: iso(r.updated_at) as string,
  finished_at: iso(r.finished_at),
  agents: Object.fromEntries(
    ROLLOUT_AGENT_STATES.map((s) => [s, agents.filter((a) => a.state === s).length]),
  ) as Record<(typeof ROLLOUT_AGENT_STATES)[number], number>,
});

const agentToApi = (a: RolloutAgentRow) => ({
  agent_id: a.agent_id,
  site_id: a.site_id,
  from_version: a.from_version,
  state: a.state,
  job_id: a.job_id,
  detail: a.detail,
  since: iso(a.since) as string,
});

export const rolloutsRoutes: RouteModule = {
  name: 'rollouts',
  register(app, hub) {
    const { rollouts, releases } = hub.store;
    const view = async (r: RolloutRow) => rolloutToApi(r, await rollouts.agents(r.id));
    const changed = (r: RolloutRow) => hub.events.emit('rollout.changed', { rollout_id: r.id, by: 'api' });
    const load = async (id: number) => {
      const r = await rollouts.get(id);
      if (!r) throw notFound('rollout', id);
      return r;
    };
    const notInProgress = (r: RolloutRow) =>
      conflict(`rollout ${r.id} is ${r.state}; only a rollout in progress can change`);

    app.openapi(list, async (c) => {
      const rows = await rollouts.list(100);
      return c.json({ rollouts: await Promise.all(rows.map(view)) }, 200);
    });

    app.openapi(versions, async (c) => {
      const by = new Map<string | null, { agents: number; online: number }>();
      for (const a of await hub.store.agents.list()) {
        if (a.revoked_at !== null) continue;
        const v = by.get(a.version) ?? { agents: 0, online: 0 };
        v.agents++;
        if (a.status === 'online') v.online++;
        by.set(a.version, v);
      }
      const valid = (v: string | null) => v !== null && ReleaseVersion.safeParse(v).success;
      const out = [...by.entries()]
        .map(([version, n]) => ({ version, ...n }))
        .sort((a, b) =>
          valid(a.version) && valid(b.version)
            ? compareReleaseVersions(b.version as string, a.version as string)
            : Number(valid(b.version)) - Number(valid(a.version)),
        );
      return c.json({ versions: out }, 200);
    });

    app.openapi(get, async (c) => {
      const r = await load(c.req.valid('param').id);
      const agents = await rollouts.agents(r.id);
      return c.json({ ...rolloutToApi(r, agents), agent_list: agents.map(agentToApi) }, 200);
    });

    app.openapi(create, async (c) => {
      const b = c.req.valid('json');
      if (!hub.config.releasePublicKey)
        throw unprocessable(
          'this hub has no release key (releasePublicKey): agents would refuse any release',
        );
      if (!(await releases.get(b.version)))
        throw unprocessable(`release ${b.version} is not stored; upload it first`, [
          { path: 'body.version', message: 'no such release' },
        ]);
      if (b.site_id !== undefined && !(await hub.store.sites.get(b.site_id)))
        throw unprocessable(`site ${b.site_id} does not exist`, [
          { path: 'body.site_id', message: 'no such site' },
        ]);
      const current = await rollouts.current();
      if (current)
        throw conflict(
          `rollout ${current.id} (${current.version}) is still ${current.state}; finish or cancel it first`,
        );
      const r = await rollouts
        .insert(
          {
            version: b.version,
            site_id: b.site_id ?? null,
            percent: b.percent ?? 0,
            confirm_s: b.confirm_s ?? hub.config.rolloutConfirmS,
            created_by: c.var.user?.id ?? null,
          },
          hub.clock(),
        )
        .catch((err: unknown) => {
          throw isStoreError(err, 'conflict') ? conflict('another rollout is in progress') : err;
        });
      c.set('auditTarget', { type: 'rollout', id: r.id });
      c.set('auditDetails', { version: r.version, site_id: r.site_id, percent: r.percent });
      changed(r);
      return c.json(await view(r), 201);
    });

    app.openapi(expand, async (c) => {
      const r = await load(c.req.valid('param').id);
      const { percent } = c.req.valid('json');
      if (r.state !== 'active' && r.state !== 'paused') throw notInProgress(r);
      if (percent < r.percent)
        throw new ApiError(
          422,
          'unprocessable',
          `the rollout already reaches ${r.percent}%; a share only grows`,
          [{ path: 'body.percent', message: `must be at least ${r.percent}` }],
        );
      const after = (await rollouts.update(
        r.id,
        { percent, state: 'active', note: null },
        hub.clock(),
      )) as RolloutRow;
      c.set('auditDetails', { percent });
      changed(after);
      return c.json(await view(after), 200);
    });

    const transition = (
      route: typeof pause,
      from: readonly RolloutRow['state'][],
      patch: (now: number) => Parameters<typeof rollouts.update>[1],
    ) =>
      app.openapi(route, async (c) => {
        const r = await load(c.req.valid('param').id);
        if (!from.includes(r.state)) throw notInProgress(r);
        const after = (await rollouts.update(r.id, patch(hub.clock()), hub.clock())) as RolloutRow;
        changed(after);
        return c.json(await view(after), 200);
      });
    transition(pause, ['active'], () => ({ state: 'paused', note: 'paused by an operator' }));
    transition(resume, ['paused'], () => ({ state: 'active', note: null }));
    transition(cancel, ['active', 'paused'], (now) => ({
      state: 'cancelled',
      note: 'cancelled by an operator',
      finished_at: now,
    }));
  },
};
