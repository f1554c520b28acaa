import { z } from '@hono/zod-openapi';
import { defineRoute } from '../access.js';
import { notFound } from '../errors.js';
import { errors, IdParam, json } from '../schemas.js';
import { requireInScope } from '../site-scope.js';
import type { RouteModule } from '../types.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

const Attempt = z.object({
  at: z.string(),
  ok: z.boolean(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().int(),
});
const Notice = z
  .object({
    id: z.number().int(),
    channel_id: z.number().int(),
    channel_name: z.string().nullable(),
    channel_type: z.string().nullable(),
    kind: z.string(),
    title: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    next_attempt_at: z.string().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    delivered_at: z.string().nullable(),
    attempts_log: z.array(Attempt),
  })
  .openapi('AlertNotification');

const route = defineRoute({
  method: 'get',
  path: '/alerts/{id}/notifications',
  access: 'viewer',
  site: 'own',
  tags: ['alerts'],
  summary: "An alert's delivery log: every notice queued for it, per channel, with each attempt",
  request: { params: IdParam },
  responses: {
    200: json(z.object({ notifications: z.array(Notice) }), 'The delivery log'),
    ...errors(401, 404),
  },
});

export const alertNotificationsRoutes: RouteModule = {
  name: 'alert-notifications',
  register(app, hub) {
    app.openapi(route, async (c) => {
      const { id } = c.req.valid('param');
      const alert = await hub.store.alerts.get(id);
      if (!alert) throw notFound('alert', id);
      requireInScope(c, 'alert', id, alert.site_id);
      const notifications = (await hub.store.notifications.forAlert(id)).map((r) => ({
        id: r.id,
        channel_id: r.channel_id,
        channel_name: r.channel_name,
        channel_type: r.channel_type,
        kind: r.kind,
        title: (JSON.parse(r.payload) as { title: string }).title,
        status: r.status,
        attempts: r.attempts,
        next_attempt_at: r.status === 'pending' ? iso(r.next_attempt_at) : null,
        last_error: r.last_error,
        created_at: iso(r.created_at)!,
        delivered_at: iso(r.delivered_at),
        attempts_log: r.attempts_log.map((a) => ({
          at: iso(a.ts)!,
          ok: a.ok === 1,
          status_code: a.status_code,
          error: a.error,
          duration_ms: a.duration_ms,
        })),
      }));
      return c.json({ notifications }, 200);
    });
  },
};
