import { cisco } from './cisco.js';
import { hostResources } from './host-resources.js';
import { ifMib } from './if-mib.js';
import { netSnmp } from './net-snmp.js';
import { system } from './system.js';
import type { Profile } from './types.js';

export type { Profile, ProfileContext, ProfileInput, ProfileOutput, SysFacts } from './types.js';
export { system };

/** Builds a registry by name; a duplicate name is a programming error and throws at load. */
export function registerProfiles(list: readonly Profile[]): ReadonlyMap<string, Profile> {
  const byName = new Map<string, Profile>();
  for (const p of list) {
    if (byName.has(p.name)) throw new Error(`duplicate SNMP profile name: ${p.name}`);
    byName.set(p.name, p);
  }
  return byName;
}

/** Every SNMP profile: one file each, one line here. */
export const PROFILES = registerProfiles([system, ifMib, hostResources, cisco, netSnmp]);

/**
 * The profiles to poll on a device besides `system`: the configured names, or, when none are configured,
 * every profile whose `applies` accepts the sysObjectID. Unknown names are returned separately.
 */
export function selectProfiles(
  configured: readonly string[],
  sysObjectId: string | undefined,
  registry: ReadonlyMap<string, Profile> = PROFILES,
): { profiles: Profile[]; unknown: string[] } {
  const unknown: string[] = [];
  const profiles: Profile[] = [];
  if (configured.length > 0) {
    for (const name of new Set(configured)) {
      const p = registry.get(name);
      if (!p) unknown.push(name);
      else if (p.name !== 'system') profiles.push(p);
    }
  } else {
    for (const p of registry.values())
      if (p.name !== 'system' && p.applies(sysObjectId ?? '')) profiles.push(p);
  }
  return { profiles, unknown };
}
