import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Role } from '../auth/roles.js';
import type { TokenService } from '../auth/tokens.js';
import type { HubContext } from '../context.js';
import type { LinkParts } from '../link/parts.js';
import type { Onboarding } from '../onboarding/onboarding.js';

export type { Role } from '../auth/roles.js';
/** Who may call a route: anyone, or a logged-in user with at least this role. */
export type Access = 'public' | Role;

/** The authenticated caller, loaded from the database on every request. */
export interface AuthUser {
  id: number;
  username: string;
  email: string | null;
  role: Role;
  /** Set when the caller used an API key instead of a user session: which key, and the site it is limited to. */
  apiKey?: { id: number; site_id: number | null };
  /**
   * The sites the caller is limited to (its scope resolved now; for an API key, what both key and user cover),
   * sorted; absent when it may see every site.
   */
  sites?: readonly number[];
}

/** What the per-route access middleware records about the matched route (for audit, metrics, logs). */
export interface RouteInfo {
  method: string;
  /** OpenAPI-style path, e.g. /api/v1/devices/{id}. */
  path: string;
  access: Access;
  params: Record<string, string>;
}

export interface HubEnv {
  Variables: {
    requestId: string;
    hub: HubContext;
    tokens: TokenService;
    user?: AuthUser;
    /** When the caller's token was issued and until when what it opens may last (set with `user`). */
    auth?: { issuedAt: number; validUntil: number };
    route?: RouteInfo;
    /** Set by handlers to name what a mutating request touched (default: the path's resource and {id}). */
    auditTarget?: { type: string; id?: string | number };
    /**
     * The site of what a mutating request touched: resolved from the route's {id} before the handler runs
     * (middleware/audit-site.ts); a handler that creates something of a site sets it.
     */
    auditSite?: number | null;
    /** Set by login-like handlers: who the request acted as when there is no token. */
    auditActor?: { id?: number; username: string };
    /** Extra, non-secret audit details. */
    auditDetails?: Record<string, unknown>;
  };
}

export type ApiApp = OpenAPIHono<HubEnv>;

/**
 * A resource's routes: `register` adds them with `app.openapi(defineRoute({...access}), handler)` or
 * `registerRaw(app, {...access}, handler)`. A route registered any other way fails the access test.
 */
export interface RouteModule {
  name: string;
  register(app: ApiApp, hub: HubContext, parts: RouteParts): void;
}

/** What the routes use of the agent link: its jobs, who is connected, where the broker listens, revocation. */
export type LinkApi = Pick<LinkParts, 'jobs' | 'bus' | 'ports' | 'revocation'>;

/** The running parts a hub hands to its routes, built where it is composed (server.ts). */
export interface AppParts {
  /** Absent on a hub that serves the API alone: what needs an agent answers 503. */
  link?: LinkApi;
  /** Discovery and topology; absent: the app builds its own (no scheduled or started sweeps without a link). */
  onboarding?: Onboarding;
}

export interface RouteParts {
  link?: LinkApi;
  onboarding: Onboarding;
}
