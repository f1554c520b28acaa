import { z } from '@hono/zod-openapi';
import { JobError, jobView, type NewJob } from '../../link/jobs.js';
import { JOB_STATES } from '../../store/jobs.js';
import { defineRoute } from '../access.js';
import { ApiError, notFound, unprocessable } from '../errors.js';
import { errors, IdParam, json, PageQuery, PaginationSchema, pagination } from '../schemas.js';
import { inCallerScope, requireInScope, siteFilterFor } from '../site-scope.js';
import type { LinkApi, RouteModule } from '../types.js';

const JobSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    args: z.record(z.string(), z.unknown()),
    target_kind: z.string().nullable(),
    target_id: z.number().int().nullable(),
    site_id: z.number().int(),
    agent_id: z.string().nullable(),
    state: z.enum(JOB_STATES),
    progress: z.number().nullable(),
    timeout_s: z.number().int(),
    queue_timeout_s: z.number().int(),
    created_by: z.number().int().nullable(),
    created_at: z.string(),
    sent_at: z.string().nullable(),
    send_count: z.number().int(),
    accepted_at: z.string().nullable(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    cancel_requested_at: z.string().nullable(),
    result: z.unknown(),
    error: z.string().nullable(),
  })
  .openapi('Job');

const JobIdParam = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a valid job id')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'job_0123456789abcdef' }),
});

const Accepted = z.object({ job_id: z.string() }).openapi('JobAccepted');

const poll = defineRoute({
  method: 'post',
  path: '/devices/{id}/poll',
  access: 'operator',
  site: 'own',
  tags: ['jobs'],
  summary: "Poll a device now through its site's agent (a job)",
  request: { params: IdParam },
  responses: { 202: json(Accepted, 'Job created'), ...errors(400, 401, 403, 404, 422) },
});

const test = defineRoute({
  method: 'post',
  path: '/cameras/{id}/test',
  access: 'operator',
  site: 'own',
  tags: ['jobs'],
  summary: "Test a camera now through its site's agent (a job)",
  request: { params: IdParam },
  responses: { 202: json(Accepted, 'Job created'), ...errors(400, 401, 403, 404, 422) },
});

const list = defineRoute({
  method: 'get',
  path: '/jobs',
  access: 'viewer',
  site: 'own',
  tags: ['jobs'],
  summary: 'Jobs, newest first',
  request: {
    query: z.object({
      state: z.enum(JOB_STATES).optional(),
      agent_id: z.string().max(64).optional(),
      site_id: z.coerce.number().int().positive().optional(),
      type: z.string().max(64).optional(),
      ...PageQuery,
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(JobSchema), pagination: PaginationSchema }), 'Jobs'),
    ...errors(400, 401),
  },
});

const getOne = defineRoute({
  method: 'get',
  path: '/jobs/{id}',
  access: 'viewer',
  site: 'own',
  tags: ['jobs'],
  summary: 'One job',
  request: { params: JobIdParam },
  responses: { 200: json(JobSchema, 'The job'), ...errors(400, 401, 404) },
});

const logs = defineRoute({
  method: 'get',
  path: '/jobs/{id}/logs',
  access: 'viewer',
  site: 'own',
  tags: ['jobs'],
  summary: "A job's log lines as the agent reported them (after=<id> for the next ones)",
  request: {
    params: JobIdParam,
    query: z.object({
      after: z.coerce.number().int().min(0).default(0),
      limit: z.coerce.number().int().min(1).max(5000).default(1000),
    }),
  },
  responses: {
    200: json(
      z.object({
        items: z.array(
          z.object({ id: z.number().int(), ts: z.string(), level: z.string(), line: z.string() }),
        ),
      }),
      'Log lines',
    ),
    ...errors(400, 401, 404),
  },
});

const cancel = defineRoute({
  method: 'post',
  path: '/jobs/{id}/cancel',
  access: 'operator',
  site: 'own',
  tags: ['jobs'],
  summary: 'Cancel a job (at once if not sent yet; otherwise the agent is told to stop)',
  request: { params: JobIdParam },
  responses: { 200: json(JobSchema, 'The job'), ...errors(400, 401, 403, 404, 409) },
});

function requireLink(link: LinkApi | undefined): LinkApi {
  if (!link) throw new ApiError(503, 'unavailable', 'the agent link is not running');
  return link;
}

/** Creates a job through the hub's link, turning JobError into the right HTTP error. */
export async function createJob(link: LinkApi | undefined, job: NewJob) {
  try {
    return await requireLink(link).jobs.create(job);
  } catch (err) {
    if (err instanceof JobError) throw unprocessable(err.message);
    throw err;
  }
}

export const jobsRoutes: RouteModule = {
  name: 'jobs',
  register(app, hub, { link }) {
    const store = hub.store.jobs;

    app.openapi(poll, async (c) => {
      const { id } = c.req.valid('param');
      const site = await hub.store.devices.siteOf(id);
      if (site === undefined || !inCallerScope(c, site)) throw notFound('device', id);
      const job = await createJob(link, {
        type: 'poll-now',
        args: { device_id: id },
        site_id: site,
        target_kind: 'device',
        target_id: id,
        created_by: c.var.user?.id ?? null,
      });
      c.set('auditTarget', { type: 'device', id });
      c.set('auditDetails', { job_id: job.id });
      return c.json({ job_id: job.id }, 202);
    });

    app.openapi(test, async (c) => {
      const { id } = c.req.valid('param');
      const site = await hub.store.cameras.siteOf(id);
      if (site === undefined || !inCallerScope(c, site)) throw notFound('camera', id);
      const job = await createJob(link, {
        type: 'camera-test',
        args: { camera_id: id },
        site_id: site,
        target_kind: 'camera',
        target_id: id,
        created_by: c.var.user?.id ?? null,
      });
      c.set('auditTarget', { type: 'camera', id });
      c.set('auditDetails', { job_id: job.id });
      return c.json({ job_id: job.id }, 202);
    });

    app.openapi(list, async (c) => {
      const { page, per_page, ...filter } = c.req.valid('query');
      const { items, total } = await store.list({
        ...filter,
        site_id: siteFilterFor(c, filter.site_id),
        limit: per_page,
        offset: (page - 1) * per_page,
      });
      return c.json({ items: items.map(jobView), pagination: pagination(page, per_page, total) }, 200);
    });

    app.openapi(getOne, async (c) => {
      const { id } = c.req.valid('param');
      const job = await store.get(id);
      if (!job) throw notFound('job', id);
      requireInScope(c, 'job', id, job.site_id);
      return c.json(jobView(job), 200);
    });

    app.openapi(logs, async (c) => {
      const { id } = c.req.valid('param');
      const { after, limit } = c.req.valid('query');
      const job = await store.get(id);
      if (!job) throw notFound('job', id);
      requireInScope(c, 'job', id, job.site_id);
      const items = (await store.logs(id, after, limit)).map((l) => ({
        ...l,
        ts: new Date(l.ts).toISOString(),
      }));
      return c.json({ items }, 200);
    });

    app.openapi(cancel, async (c) => {
      const { id } = c.req.valid('param');
      const job = await store.get(id);
      if (!job) throw notFound('job', id);
      requireInScope(c, 'job', id, job.site_id);
      try {
        return c.json(jobView(await requireLink(link).jobs.cancel(id)), 200);
      } catch (err) {
        if (err instanceof JobError && err.code === 'not_found') throw notFound('job', id);
        if (err instanceof JobError) throw new ApiError(409, 'conflict', err.message);
        throw err;
      }
    });
  },
};
