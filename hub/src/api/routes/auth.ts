import { z } from '@hono/zod-openapi';
import { issueSession, refreshSession } from '../../auth/sessions.js';
import { hashToken, STREAM_SCOPE, STREAM_TOKEN_TTL_S } from '../../auth/tokens.js';
import { defineRoute } from '../access.js';
import { changeOwnPassword, checkLogin } from '../credentials.js';
import { unauthorized } from '../errors.js';
import { body, errors, json, OkSchema } from '../schemas.js';
import type { RouteModule } from '../types.js';

const UserRef = z
  .object({
    id: z.number().int(),
    username: z.string(),
    email: z.string().nullable(),
    role: z.enum(['admin', 'operator', 'viewer']),
    sites: z.array(z.number().int()).nullable().optional().openapi({
      description: '/auth/me: the sites you are limited to (your scope now), or null for every site',
    }),
  })
  .openapi('UserRef');

const SessionSchema = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().openapi({ description: 'Access token lifetime in seconds' }),
    user: UserRef,
  })
  .openapi('Session');

const Credentials = z
  .object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1024) })
  .strict()
  .openapi('Credentials');
const RefreshBody = z
  .object({ refresh_token: z.string().min(1).max(200) })
  .strict()
  .openapi('RefreshRequest');
const LogoutBody = z
  .object({
    refresh_token: z.string().min(1).max(200).optional(),
    all: z.boolean().optional().openapi({ description: 'End every session of this user' }),
  })
  .strict();
const ChangePassword = z
  .object({ current_password: z.string().min(1).max(1024), new_password: z.string().min(1).max(1024) })
  .strict()
  .openapi('ChangePassword');

const login = defineRoute({
  method: 'post',
  path: '/auth/login',
  access: 'public',
  tags: ['auth'],
  summary: 'Log in: an access token (JWT) and a rotating refresh token',
  request: { body: body(Credentials) },
  responses: { 200: json(SessionSchema, 'Logged in'), ...errors(400, 401, 413, 415, 429) },
});
const refresh = defineRoute({
  method: 'post',
  path: '/auth/refresh',
  access: 'public',
  tags: ['auth'],
  summary: 'Trade a refresh token for new tokens (the old one is spent; reusing it revokes the session)',
  request: { body: body(RefreshBody) },
  responses: { 200: json(SessionSchema, 'New tokens'), ...errors(400, 401, 415) },
});
const logout = defineRoute({
  method: 'post',
  path: '/auth/logout',
  access: 'viewer',
  site: 'none',
  tags: ['auth'],
  summary: 'End a session (the refresh token family), or all of them with {all: true}',
  request: { body: { required: false, content: { 'application/json': { schema: LogoutBody } } } },
  responses: { 200: json(OkSchema, 'Logged out'), ...errors(400, 401, 415) },
});
const me = defineRoute({
  method: 'get',
  path: '/auth/me',
  access: 'viewer',
  site: 'none',
  tags: ['auth'],
  summary: 'The logged-in user',
  responses: { 200: json(UserRef, 'You'), ...errors(401) },
});
const changePassword = defineRoute({
  method: 'post',
  path: '/auth/change-password',
  access: 'viewer',
  site: 'none',
  sessionOnly: true,
  tags: ['auth'],
  summary: 'Change your password; every other session ends, new tokens are returned',
  request: { body: body(ChangePassword) },
  responses: { 200: json(SessionSchema, 'Changed'), ...errors(400, 401, 415, 422) },
});

const StreamTokenRequest = z
  .object({
    scope: z.string().max(40).regex(STREAM_SCOPE, 'must be events, snapshot:{camera id} or live:{camera id}'),
  })
  .strict()
  .openapi('StreamTokenRequest');
const StreamToken = z
  .object({
    token: z.string(),
    scope: z.string(),
    expires_in: z.number().int().openapi({ description: 'Seconds left to open the stream with it' }),
  })
  .openapi('StreamToken');
const streamToken = defineRoute({
  method: 'post',
  path: '/auth/stream-tokens',
  access: 'viewer',
  site: 'none',
  sessionOnly: true,
  tags: ['auth'],
  summary:
    'A token for one stream, to put in a URL (?access_token=) where headers cannot be sent: the event stream ' +
    '(scope events), one camera snapshot (snapshot:{id}) or live view (live:{id}). It opens only that, within ' +
    `${STREAM_TOKEN_TTL_S} s, and what it opens ends when the access token used here expires`,
  request: { body: body(StreamTokenRequest) },
  responses: { 201: json(StreamToken, 'The token'), ...errors(400, 401, 415) },
});

export const authRoutes: RouteModule = {
  name: 'auth',
  register(app, hub) {
    app.openapi(login, async (c) => {
      const { username, password } = c.req.valid('json');
      const row = await checkLogin(hub, c, username, password);
      const session = await issueSession(hub, c.var.tokens, row);
      return c.json(session, 200);
    });

    app.openapi(refresh, async (c) => {
      const { refresh_token } = c.req.valid('json');
      c.set('auditTarget', { type: 'session' });
      const outcome = await refreshSession(hub, c.var.tokens, refresh_token);
      if (!outcome.ok) {
        if (outcome.userId !== undefined) {
          const u = await hub.store.users.get(outcome.userId);
          if (u) c.set('auditActor', { id: u.id, username: u.username });
        }
        c.set('auditDetails', { reason: outcome.reason });
        throw unauthorized(
          outcome.reason === 'reused'
            ? 'refresh token already used: session revoked, log in again'
            : 'refresh token invalid or expired',
        );
      }
      c.set('auditActor', { id: outcome.session.user.id, username: outcome.session.user.username });
      return c.json(outcome.session, 200);
    });

    app.openapi(logout, async (c) => {
      const input = c.req.valid('json') as z.infer<typeof LogoutBody>;
      const user = c.var.user!;
      const now = hub.clock();
      c.set('auditTarget', { type: 'session' });
      const { sessions } = hub.store;
      if (input.all) {
        await sessions.revokeUser(user.id, now);
      } else if (input.refresh_token) {
        const row = await sessions.find(hashToken(input.refresh_token));
        if (row && row.user_id === user.id) await sessions.revokeFamily(row.family, now);
      }
      return c.json({ ok: true as const }, 200);
    });

    app.openapi(me, (c) => {
      const u = c.var.user!;
      return c.json(
        {
          id: u.id,
          username: u.username,
          email: u.email,
          role: u.role,
          sites: u.sites ? [...u.sites] : null,
        },
        200,
      );
    });

    app.openapi(streamToken, async (c) => {
      const { scope } = c.req.valid('json');
      const token = await c.var.tokens.signStream(c.var.user!, scope, c.var.auth!.validUntil);
      return c.json({ token, scope, expires_in: STREAM_TOKEN_TTL_S }, 201);
    });

    app.openapi(changePassword, async (c) => {
      const { current_password, new_password } = c.req.valid('json');
      await changeOwnPassword(hub, c, current_password, new_password);
      return c.json(await issueSession(hub, c.var.tokens, c.var.user!), 200);
    });
  },
};
