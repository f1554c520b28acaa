import { createHash, timingSafeEqual } from 'node:crypto';
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { Context, Handler, MiddlewareHandler } from 'hono';
import { isApiKey, keyRefusal, LAST_USED_GRANULARITY_MS, lowerRole } from '../auth/api-keys.js';
import { type AccessClaims, hashToken } from '../auth/tokens.js';
import type { HubStore } from '../store/port.js';
import type { SiteFilter } from '../store/tenancy.js';
import { forbidden, notFound, unauthorized } from './errors.js';
import { noteAuditSite } from './middleware/audit-site.js';
import { intersectScopes, neededRole, type RouteRules, type SiteRule } from './site-scope.js';
import type { Access, ApiApp, AuthUser, HubEnv, Role } from './types.js';

/** Every JSON API route lives under this prefix. */
export const API_PREFIX = '/api/v1';

export { ROLES } from '../auth/roles.js';
export const ACCESS_RANK: Record<Access, number> = { public: 0, viewer: 1, operator: 2, admin: 3 };

/** Whether `role` (or an anonymous caller) satisfies `access`. */
export function allows(access: Access, role: Role | undefined): boolean {
  if (access === 'public') return true;
  return role !== undefined && ACCESS_RANK[role] >= ACCESS_RANK[access];
}

/** Constant-time comparison of two secrets of any length. */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** The token from `Authorization: Bearer ...`, or undefined. */
export function bearerToken(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (!header) return undefined;
  return /^Bearer\s+(\S+)$/i.exec(header)?.[1];
}

/**
 * The user of verified claims, or why they are refused: unknown, disabled or deleted users, and tokens issued
 * before the user's last password change.
 */
export async function activeUser(
  store: Pick<HubStore, 'users'>,
  claims: Pick<AccessClaims, 'userId' | 'issuedAt'>,
): Promise<AuthUser | string> {
  const row = await store.users.get(claims.userId);
  if (!row || row.disabled) return 'user no longer active';
  if (claims.issuedAt < Math.floor(row.password_changed_at / 1000)) return 'token predates a password change';
  return { id: row.id, username: row.username, email: row.email, role: row.role };
}

/**
 * Checks an access token (or, with `streamScope`, a stream token for exactly that scope) and loads its user.
 * Sets `c.var.auth`. Exported for handlers that authenticate themselves.
 */
export async function authenticate(
  c: Context<HubEnv>,
  token: string | undefined,
  streamScope?: string,
): Promise<AuthUser> {
  if (!token) throw unauthorized();
  if (!streamScope && isApiKey(token)) return authenticateKey(c, token);
  let claims: AccessClaims;
  try {
    claims = streamScope
      ? await c.var.tokens.verifyStream(token, streamScope)
      : await c.var.tokens.verifyAccess(token);
  } catch (err) {
    if (!streamScope) throw unauthorized((err as Error).message);
    throw unauthorized(
      `access_token: ${(err as Error).message}; a URL accepts only a stream token for ${streamScope} ` +
        '(POST /api/v1/auth/stream-tokens), never a full access token',
    );
  }
  const user = await activeUser(c.var.hub.store, claims);
  if (typeof user === 'string') throw unauthorized(user);
  c.set('auth', { issuedAt: claims.issuedAt, validUntil: claims.validUntil });
  const sites = await c.var.hub.store.scopes.resolve({ user_id: user.id });
  return sites === null ? user : { ...user, sites };
}

/**
 * Checks an API key (`Authorization: Bearer opk_...`): known, not revoked or expired, its user still active.
 * The caller acts with the lower of the key's role and its user's role now; the key's last use is recorded.
 */
async function authenticateKey(c: Context<HubEnv>, token: string): Promise<AuthUser> {
  const { store, clock } = c.var.hub;
  const now = clock();
  const key = await store.apiKeys.byHash(hashToken(token));
  const user = key ? await store.users.get(key.user_id) : undefined;
  const refused = keyRefusal(key, user, now);
  if (refused || !key || !user) throw unauthorized(refused);
  await store.apiKeys.touch(key.id, now, LAST_USED_GRANULARITY_MS);
  // What a key opens (an event stream) lasts no longer than an access token would, nor past the key's expiry.
  const validUntil = Math.min(
    now + c.var.tokens.accessTtlS * 1000,
    key.expires_at ?? Number.MAX_SAFE_INTEGER,
  );
  c.set('auth', { issuedAt: Math.floor(now / 1000), validUntil });
  // The key covers what both it and its user cover now: a key is never wider than its user.
  const sites = intersectScopes(
    await store.scopes.resolve({ user_id: user.id }),
    await store.scopes.resolve({ api_key_id: key.id }),
  );
  const role = lowerRole(key.role, user.role);
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    // A principal limited to sites is never an admin (hub README, Tenants): an older admin key limited to a
    // site acts as an operator.
    role: sites !== undefined && role === 'admin' ? 'operator' : role,
    apiKey: { id: key.id, site_id: key.site_id },
    ...(sites === undefined ? {} : { sites }),
  };
}

/** Refuses callers the route's rules exclude (after authentication). */
function enforceRules(user: AuthUser, rules: RouteRules): void {
  if (user.apiKey && rules.sessionOnly)
    throw forbidden('this needs a signed-in user; an API key cannot do it');
  if (user.sites !== undefined && (rules.site ?? 'refuse') === 'refuse')
    throw forbidden('not available to a caller limited to some sites: this is hub-wide');
}

const routeRules = new Map<string, RouteRules>();

/** The rules a route was declared with (for tests and docs). */
export function rulesOf(method: string, path: string): RouteRules {
  return routeRules.get(`${method} ${path}`) ?? {};
}

/** Per-route middleware: records the route for audit/metrics, then enforces its access rule. */
export function authorize(
  access: Access,
  method: string,
  path: string,
  opts: {
    queryTokenScope?: (params: Record<string, string>) => string;
    staticToken?: () => string | undefined;
  } & RouteRules = {},
): MiddlewareHandler<HubEnv> {
  const rules: RouteRules = {
    sessionOnly: opts.sessionOnly,
    site: opts.site,
    scopedAccess: opts.scopedAccess,
  };
  routeRules.set(`${method} ${path}`, rules);
  return async function authorizeRoute(c, next) {
    const params = c.req.param() as Record<string, string>;
    c.set('route', { method, path, access, params });
    const staticToken = opts.staticToken?.();
    if (staticToken && sameSecret(bearerToken(c) ?? '', staticToken)) return next();
    if (access !== 'public') {
      const header = bearerToken(c);
      const query = header === undefined && opts.queryTokenScope ? c.req.query('access_token') : undefined;
      const user = query
        ? await authenticate(c, query, opts.queryTokenScope?.(params))
        : await authenticate(c, header);
      c.set('user', user);
      await noteAuditSite(c, method, path, params);
      const needed = neededRole(access, rules, user.sites !== undefined);
      if (!allows(needed, user.role)) throw forbidden(`this needs the ${needed} role; you are ${user.role}`);
      enforceRules(user, rules);
    } else {
      const token = bearerToken(c);
      if (token) {
        // A public route still knows its caller when a valid token is sent (e.g. logout, audit).
        c.set('user', await authenticate(c, token).catch(() => undefined));
      }
    }
    await next();
  };
}

/** Every authenticated route says what it does for a caller limited to some sites; public routes need not. */
type AccessAndSite = { access: 'public'; site?: SiteRule } | { access: Role; site: SiteRule };

type RouteInput = Omit<RouteConfig, 'path' | 'middleware' | 'security'> & {
  path: string;
  sessionOnly?: boolean;
  scopedAccess?: Role;
} & AccessAndSite;

/**
 * A JSON API route: `createRoute` plus its access rule. The path is relative to /api/v1. The rule is enforced
 * by middleware that runs before validation and is published in the OpenAPI document as `x-access`.
 */
export function defineRoute<const R extends RouteInput>(input: R) {
  const { access, path: relative, sessionOnly, site, scopedAccess, ...rest } = input;
  const path = `${API_PREFIX}${relative}` as `${typeof API_PREFIX}${R['path']}`;
  const role =
    access === 'public'
      ? 'no authentication'
      : `role ${access} or higher${scopedAccess ? `; a caller limited to some sites needs role ${scopedAccess} or higher and sees only its sites` : ''}`;
  return createRoute({
    ...rest,
    path,
    description: `${rest.description ? `${rest.description}\n\n` : ''}Access: ${role}.`,
    security: access === 'public' ? [] : [{ bearerAuth: [] }],
    'x-access': access,
    ...(site ? { 'x-site-rule': site } : {}),
    ...(scopedAccess ? { 'x-scoped-access': scopedAccess } : {}),
    ...(sessionOnly ? { 'x-session-only': true } : {}),
    middleware: [
      authorize(access, rest.method.toUpperCase(), path, {
        sessionOnly,
        site,
        scopedAccess,
      }) as unknown as MiddlewareHandler,
    ],
  });
}

export type RawRouteDef = RawRouteBase & AccessAndSite;

interface RawRouteBase {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Full path, OpenAPI style (`/api/v1/cameras/{id}/snapshot.jpg`). */
  path: string;
  summary: string;
  tags?: string[];
  /** Content types and descriptions of the responses, for the OpenAPI document. */
  responses?: RouteConfig['responses'];
  /** The request body, for the OpenAPI document (the handler reads and checks it itself). */
  requestBody?: { description?: string; required?: boolean; content: Record<string, { schema: unknown }> };
  /**
   * Accept `?access_token=` with a stream token of this scope (EventSource, <img> and WebSocket cannot set
   * headers); full access tokens are refused in URLs.
   */
  queryTokenScope?: (params: Record<string, string>) => string;
  /** Leave out of the OpenAPI document (static assets). */
  hide?: boolean;
  /** A static bearer token that also grants access (e.g. config metricsToken for Prometheus scrapers). */
  staticToken?: () => string | undefined;
  sessionOnly?: boolean;
}

const hiddenRoutes = new WeakMap<ApiApp, { method: string; path: string; access: Access }[]>();

/**
 * A non-JSON route (SSE, JPEG, HTML, metrics text) with the same access rule and audit/metrics handling.
 * The handler gets plain hono context; `c.var.user` is set when access is not public.
 */
export function registerRaw(app: ApiApp, def: RawRouteDef, ...handlers: Handler<HubEnv>[]): void {
  const method = def.method.toUpperCase();
  if (def.hide) {
    const list = hiddenRoutes.get(app) ?? [];
    list.push({ method, path: def.path, access: def.access });
    hiddenRoutes.set(app, list);
  } else {
    app.openAPIRegistry.registerPath({
      method: def.method,
      path: def.path,
      summary: def.summary,
      tags: def.tags,
      security: def.access === 'public' ? [] : [{ bearerAuth: [] }],
      'x-access': def.access,
      ...(def.site ? { 'x-site-rule': def.site } : {}),
      responses: def.responses ?? { 200: { description: def.summary } },
      ...(def.requestBody ? { request: { body: def.requestBody as never } } : {}),
    });
  }
  const honoPath = def.path.replaceAll(/\{([^}]+)\}/g, ':$1');
  app.on(method, honoPath, authorize(def.access, method, def.path, def), ...handlers);
}

export interface RegisteredRoute {
  method: string;
  path: string;
  access: Access | undefined;
  /** Left out of the OpenAPI document (static assets). */
  hidden?: boolean;
}

/** Every route registered through defineRoute/registerRaw, with its access rule (for tests and docs). */
export function listRoutes(app: ApiApp): RegisteredRoute[] {
  const out: RegisteredRoute[] = [];
  for (const def of app.openAPIRegistry.definitions) {
    if (def.type !== 'route') continue;
    const r = def.route as { method: string; path: string; 'x-access'?: Access };
    out.push({ method: r.method.toUpperCase(), path: r.path, access: r['x-access'] });
  }
  for (const r of hiddenRoutes.get(app) ?? []) out.push({ ...r, hidden: true });
  return out;
}

/**
 * The only routes anonymous callers may use. A new public route must be added here on purpose (and is then
 * checked by the access test); anything else public fails the suite.
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set([
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'GET /api/v1/health',
  'GET /api/openapi.json',
  'GET /api/docs',
  'GET /api/docs/init.js',
  'GET /api/docs/{asset}',
  // Authenticated by the single-use enrollment token in the body.
  'POST /api/v1/agents/enroll',
  // Authenticated by the agent's own id and secret (HTTP Basic), as on the broker.
  'GET /api/v1/agent-releases/{version}/download',
  // The dashboard's cookie-based login, refresh and logout.
  'POST /api/v1/auth/web/login',
  'POST /api/v1/auth/web/refresh',
  'POST /api/v1/auth/web/logout',
]);

/** Whether a public route is acceptable: listed above, or a dashboard page/asset outside the API. */
export function mayBePublic(method: string, path: string): boolean {
  if (PUBLIC_ROUTES.has(`${method} ${path}`)) return true;
  return method === 'GET' && !path.startsWith('/api/') && path !== '/metrics';
}

/** Authenticated routes that do not say what they do for a caller limited to some sites (see SiteRule). */
export function routesWithoutSiteRule(app: ApiApp): string[] {
  return listRoutes(app)
    .filter((r) => r.access !== 'public' && rulesOf(r.method, r.path).site === undefined)
    .map((r) => `${r.method} ${r.path}`);
}

/** Routes hono knows that were not declared with an access rule (registered with plain app.get() etc.). */
export function routesWithoutAccess(app: ApiApp): string[] {
  const declared = new Set(
    listRoutes(app)
      .filter((r) => r.access !== undefined && r.access in ACCESS_RANK)
      .map((r) => `${r.method} ${r.path.replaceAll(/\{([^}]+)\}/g, ':$1')}`),
  );
  return app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => `${r.method} ${r.path}`)
    .filter((key, i, all) => all.indexOf(key) === i && !declared.has(key));
}
