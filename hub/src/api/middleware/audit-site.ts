import type { Context } from 'hono';
import type { HubStore } from '../../store/port.js';
import type { HubEnv } from '../types.js';

/** The site of an object of a kind, by the id in a route's path; undefined when unknown. */
type SiteLookup = (store: HubStore, id: string) => Promise<number | null | undefined>;

const numeric = (id: string): number | undefined => (/^\d{1,15}$/.test(id) ? Number(id) : undefined);

/** Lookups by a path's first segment after /api/v1 (`/devices/{id}/poll` -> devices). */
const SITE_OF: Record<string, SiteLookup> = {
  sites: async (store, id) => {
    const n = numeric(id);
    return n === undefined ? undefined : (await store.sites.get(n))?.id;
  },
  devices: async (store, id) => {
    const n = numeric(id);
    return n === undefined ? undefined : store.devices.siteOf(n);
  },
  cameras: async (store, id) => {
    const n = numeric(id);
    return n === undefined ? undefined : store.cameras.siteOf(n);
  },
  checks: async (store, id) => {
    const n = numeric(id);
    return n === undefined ? undefined : (await store.checks.get(n))?.site_id;
  },
  alerts: async (store, id) => {
    const n = numeric(id);
    return n === undefined ? undefined : (await store.alerts.get(n))?.site_id;
  },
  agents: async (store, id) => (await store.agents.get(id))?.site_id,
  jobs: async (store, id) => (await store.jobs.get(id))?.site_id,
};

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The kind a route's {id} names: the segment after /api/v1 when {id} follows it. */
export function kindOfPath(path: string): string | undefined {
  return /^\/api\/v1\/([a-z-]+)\/\{id\}/.exec(path)?.[1];
}

/**
 * Notes the site of what a mutating request is about to touch, before its handler runs (so that a deleted
 * device keeps its site in the audit log). Only a site the caller may see is noted: an attempt by a user
 * limited to other sites stays with the admins, so that one tenant never reads another's usernames.
 */
export async function noteAuditSite(
  c: Context<HubEnv>,
  method: string,
  path: string,
  params: Record<string, string>,
): Promise<void> {
  if (!MUTATING.has(method) || params.id === undefined) return;
  const lookup = SITE_OF[kindOfPath(path) ?? ''];
  if (!lookup) return;
  let site: number | null | undefined;
  try {
    site = await lookup(c.var.hub.store, params.id);
  } catch (err) {
    c.var.hub.logger.warn({ err, path }, 'audit: the site of the target could not be read');
    return;
  }
  if (site == null) return;
  const sites = c.var.user?.sites;
  if (sites === undefined || sites.includes(site)) c.set('auditSite', site);
}
