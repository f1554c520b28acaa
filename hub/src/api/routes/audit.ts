import { z } from '@hono/zod-openapi';
import { defineRoute } from '../access.js';
import { auditToApi } from '../models/audit.js';
import { errors, Instant, json, PageQuery, PaginationSchema, pagination } from '../schemas.js';
import { callerSites } from '../site-scope.js';
import type { RouteModule } from '../types.js';

const AuditSchema = z
  .object({
    id: z.number().int(),
    ts: z.string(),
    user_id: z.number().int().nullable(),
    username: z.string().nullable(),
    action: z.string().openapi({ example: 'POST /api/v1/devices' }),
    target_type: z.string().nullable(),
    target_id: z.string().nullable(),
    client_ip: z.string().nullable(),
    outcome: z.string().openapi({ description: 'success, failure or denied' }),
    status: z.number().int().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    site_id: z.number().int().nullable().openapi({
      description:
        'The site of what the request touched (null: hub-wide, unknown, or a site since deleted). A user limited to some sites sees only entries of their sites.',
    }),
  })
  .openapi('AuditEntry');

const route = defineRoute({
  method: 'get',
  path: '/audit',
  access: 'admin',
  // A user limited to some sites (never an admin) reads their sites' entries; other non-admins are refused.
  site: 'own',
  scopedAccess: 'viewer',
  tags: ['audit'],
  summary: 'The audit log, newest first: every mutating request and every failed login',
  description:
    "Admins see every entry. A user (or API key) limited to some sites sees only the entries of their sites' objects, never hub-wide ones (users, settings, logins).",
  request: {
    query: z
      .object({
        user: z.string().max(100).optional(),
        action: z.string().max(200).optional().openapi({ description: 'Substring of "METHOD /path"' }),
        target_type: z.string().max(50).optional(),
        target_id: z.string().max(50).optional(),
        outcome: z.enum(['success', 'failure', 'denied']).optional(),
        from: Instant.optional(),
        to: Instant.optional(),
        ...PageQuery,
      })
      .strict(),
  },
  responses: {
    200: json(z.object({ entries: z.array(AuditSchema), pagination: PaginationSchema }), 'A page of entries'),
    ...errors(400, 401, 403),
  },
});

export const auditRoutes: RouteModule = {
  name: 'audit',
  register(app, hub) {
    app.openapi(route, async (c) => {
      const q = c.req.valid('query');
      const sites = callerSites(c);
      const filter = sites === undefined ? q : { ...q, site_id: sites };
      const { rows, total } = await hub.store.audit.list(filter, q.page, q.per_page);
      return c.json(
        { entries: rows.map(auditToApi), pagination: pagination(q.page, q.per_page, total) },
        200,
      );
    });
  },
};
