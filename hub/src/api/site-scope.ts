import type { Context } from 'hono';
import type { SiteFilter } from '../store/tenancy.js';
import { notFound } from './errors.js';
import type { Access, HubEnv, Role } from './types.js';

// Callers limited to some sites (tenants): each route's site rule, and the helpers an `own` route keeps to the
// caller's sites with.

/** The sites both scopes cover (null: every site); undefined when neither limits. */
export function intersectScopes(a: number[] | null, b: number[] | null): number[] | undefined {
  if (a === null) return b ?? undefined;
  if (b === null) return a;
  const inB = new Set(b);
  return a.filter((id) => inB.has(id));
}

/**
 * What a route does with a caller limited to some sites (a scoped user or API key, a tenant):
 * - `refuse`: refused to them (403). Global things (users, channels, settings, releases) and routes not yet
 *   made site-aware.
 * - `own`: the handler keeps to `callerSites(c)`: lists and counts filtered in the store, anything of another
 *   site answers 404 as if it did not exist.
 * - `none`: the route touches nothing of any site (the caller's own session, profile, keys).
 * Every authenticated route declares one (a route without it does not compile and fails the access test).
 */
export type SiteRule = 'refuse' | 'own' | 'none';

export interface RouteRules {
  /** Refused to API keys: the route needs a signed-in user (password change, minting keys or stream tokens). */
  sessionOnly?: boolean;
  site?: SiteRule;
  /**
   * The role a caller limited to some sites needs, when lower than `access` (with site rule `own`): the route
   * is hub-wide for unscoped callers (the audit log: admins only) and kept to their sites for scoped ones.
   */
  scopedAccess?: Role;
}

/** The sites the caller is limited to (sorted ids), or undefined when it may see every site. */
export function callerSites(c: Context<HubEnv>): readonly number[] | undefined {
  return c.var.user?.sites;
}

/** Whether something of `siteId` is within what the caller may see (nothing of no site is, for a scoped caller). */
export function inCallerScope(c: Context<HubEnv>, siteId: number | null | undefined): boolean {
  const sites = callerSites(c);
  return sites === undefined || (siteId != null && sites.includes(siteId));
}

/**
 * The site filter of a list for the caller: what was asked for, or, for a scoped caller, its sites (asking for
 * a site outside them is "not found": a scoped caller does not learn which other sites exist).
 */
export function siteFilterFor(c: Context<HubEnv>, requested: number | undefined): SiteFilter | undefined {
  const sites = callerSites(c);
  if (sites === undefined) return requested;
  if (requested !== undefined) {
    if (!sites.includes(requested)) throw notFound('site', requested);
    return requested;
  }
  return sites;
}

/** Throws "not found" for something of a site outside the caller's (as if it did not exist). */
export function requireInScope(
  c: Context<HubEnv>,
  what: string,
  id: number | string,
  siteId: number | null,
): void {
  if (!inCallerScope(c, siteId)) throw notFound(what, id);
}

/** The role a caller needs for a route: its access, or for a caller limited to sites its `scopedAccess`. */
export function neededRole(access: Access, rules: RouteRules, scoped: boolean): Access {
  return scoped && rules.scopedAccess && rules.site === 'own' ? rules.scopedAccess : access;
}
