import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { defineRoute } from '../../api/access.js';
import { changeOwnPassword, checkLogin } from '../../api/credentials.js';
import { unauthorized } from '../../api/errors.js';
import { body, errors, json, OkSchema } from '../../api/schemas.js';
import type { HubEnv, RouteModule } from '../../api/types.js';
import { issueSession, refreshSession, type Session } from '../../auth/sessions.js';
import { hashToken } from '../../auth/tokens.js';
import type { HubContext } from '../../context.js';

/** The dashboard's refresh token cookie: httpOnly, SameSite=Strict, only sent to these routes. */
export const REFRESH_COOKIE = 'outpost_refresh';
const COOKIE_PATH = '/api/v1/auth/web';

const WebUser = z.object({
  id: z.number().int(),
  username: z.string(),
  email: z.string().nullable(),
  role: z.enum(['admin', 'operator', 'viewer']),
});
const WebSession = z
  .object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
    user: WebUser,
  })
  .openapi('WebSession', {
    description: 'The refresh token is not in the body: it is set as an httpOnly, SameSite=Strict cookie',
  });
const Credentials = z
  .object({ username: z.string().min(1).max(200), password: z.string().min(1).max(1024) })
  .strict();
const ChangePassword = z
  .object({ current_password: z.string().min(1).max(1024), new_password: z.string().min(1).max(1024) })
  .strict();

const tags = ['auth'];
const login = defineRoute({
  method: 'post',
  path: '/auth/web/login',
  access: 'public',
  tags,
  summary: 'Dashboard log in: access token in the body, refresh token in an httpOnly cookie',
  request: { body: body(Credentials) },
  responses: { 200: json(WebSession, 'Logged in'), ...errors(400, 401, 413, 415, 429) },
});
const refresh = defineRoute({
  method: 'post',
  path: '/auth/web/refresh',
  access: 'public',
  tags,
  summary: 'Dashboard: trade the refresh cookie for a new access token (the cookie rotates)',
  responses: { 200: json(WebSession, 'New access token'), ...errors(401) },
});
const logout = defineRoute({
  method: 'post',
  path: '/auth/web/logout',
  access: 'public',
  tags,
  summary: "Dashboard log out: revokes the cookie's session and clears the cookie",
  responses: { 200: json(OkSchema, 'Logged out') },
});
const changePassword = defineRoute({
  method: 'post',
  path: '/auth/web/change-password',
  access: 'viewer',
  site: 'none',
  sessionOnly: true,
  tags,
  summary: 'Dashboard: change your password; other sessions end, a new cookie is set',
  request: { body: body(ChangePassword) },
  responses: { 200: json(WebSession, 'Changed'), ...errors(400, 401, 415, 422) },
});

function secureRequest(c: Context<HubEnv>): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

/** Moves the refresh token of a session into the cookie and returns what the page may hold. */
function toWeb(c: Context<HubEnv>, hub: HubContext, session: Session): z.infer<typeof WebSession> {
  setCookie(c, REFRESH_COOKIE, session.refresh_token, {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'Strict',
    secure: secureRequest(c),
    maxAge: hub.config.refreshTokenTtlS,
  });
  const { refresh_token: _kept, ...rest } = session;
  return rest;
}

function clear(c: Context<HubEnv>): void {
  deleteCookie(c, REFRESH_COOKIE, { path: COOKIE_PATH, secure: secureRequest(c) });
}

/** The dashboard's session routes under /api/v1/auth/web: no token ever reaches page storage. */
export const webAuthRoutes: RouteModule = {
  name: 'web-auth',
  register(app, hub) {
    app.openapi(login, async (c) => {
      const { username, password } = c.req.valid('json');
      const row = await checkLogin(hub, c, username, password);
      return c.json(toWeb(c, hub, await issueSession(hub, c.var.tokens, row)), 200);
    });

    app.openapi(refresh, async (c) => {
      const presented = getCookie(c, REFRESH_COOKIE);
      if (!presented) throw unauthorized('not logged in');
      const outcome = await refreshSession(hub, c.var.tokens, presented);
      if (!outcome.ok) {
        clear(c);
        c.set('auditTarget', { type: 'session' });
        c.set('auditDetails', { reason: outcome.reason });
        throw unauthorized(
          outcome.reason === 'reused' ? 'session revoked, log in again' : 'session expired, log in again',
        );
      }
      return c.json(toWeb(c, hub, outcome.session), 200);
    });

    app.openapi(logout, async (c) => {
      const presented = getCookie(c, REFRESH_COOKIE);
      c.set('auditTarget', { type: 'session' });
      if (presented) {
        const row = await hub.store.sessions.find(hashToken(presented));
        if (row) {
          await hub.store.sessions.revokeFamily(row.family, hub.clock());
          const u = await hub.store.users.get(row.user_id);
          if (u) c.set('auditActor', { id: u.id, username: u.username });
        }
      }
      clear(c);
      return c.json({ ok: true as const }, 200);
    });

    app.openapi(changePassword, async (c) => {
      const { current_password, new_password } = c.req.valid('json');
      await changeOwnPassword(hub, c, current_password, new_password);
      return c.json(toWeb(c, hub, await issueSession(hub, c.var.tokens, c.var.user!)), 200);
    });
  },
};
