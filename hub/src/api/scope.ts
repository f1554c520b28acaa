import { z } from '@hono/zod-openapi';
import type { HubStore } from '../store/port.js';
import type { SiteScope } from '../store/tenancy.js';
import { forbidden, unprocessable } from './errors.js';

/** A scope in the API: the sites and site groups a user or an API key is limited to; null for every site. */
export const ScopeSchema = z
  .object({
    sites: z.array(z.number().int().positive()).max(1000).default([]).openapi({ description: 'Site ids' }),
    groups: z
      .array(z.number().int().positive())
      .max(1000)
      .default([])
      .openapi({ description: 'Site group (customer) ids: every site of the group, now and later' }),
  })
  .strict()
  .openapi('Scope', {
    description:
      'Limits a user or an API key to these sites and the sites of these groups: they see and change only ' +
      'what belongs to them. null (or absent) is every site.',
  });

/** Refuses (422, naming the field) a scope that names a site or group that does not exist; changes nothing. */
export async function checkScopeRefs(
  store: Pick<HubStore, 'sites' | 'siteGroups'>,
  scope: SiteScope,
  field: string,
): Promise<void> {
  for (const [i, id] of scope.sites.entries())
    if (!(await store.sites.get(id)))
      throw unprocessable('no such site', [
        { path: `${field}.sites.${i}`, message: `site ${id} does not exist` },
      ]);
  for (const [i, id] of scope.groups.entries())
    if (!(await store.siteGroups.get(id)))
      throw unprocessable('no such site group', [
        { path: `${field}.groups.${i}`, message: `site group ${id} does not exist` },
      ]);
}

/**
 * Refuses (403) a scope wider than the caller's: a caller limited to some sites can hand out (to an API key)
 * only sites it covers and groups of its own scope, and never "every site". Checked before the references, so
 * that a scoped caller learns nothing about sites and groups outside its scope.
 */
export function checkWithin(
  scope: SiteScope | null,
  caller: { sites: readonly number[]; groups: readonly number[] } | undefined,
  field: string,
): void {
  if (caller === undefined) return;
  if (scope === null)
    throw forbidden(`${field}: you are limited to some sites, so a key of yours must be limited too`);
  for (const id of scope.sites)
    if (!caller.sites.includes(id))
      throw forbidden(`${field}.sites: site ${id} is outside the sites you may see`);
  for (const id of scope.groups)
    if (!caller.groups.includes(id))
      throw forbidden(`${field}.groups: site group ${id} is not in your scope`);
}
