import { registry } from '@outpost/protocol';
import { apcPowernet } from './apc-powernet.js';
import { cisco } from './cisco.js';
import { ciscoEnvmon } from './cisco-envmon.js';
import { ciscoPoe } from './cisco-poe.js';
import { entitySensor } from './entity-sensor.js';
import { hostResources } from './host-resources.js';
import { ifMib } from './if-mib.js';
import { netSnmp } from './net-snmp.js';
import { powerEthernet } from './power-ethernet.js';
import { printerMib } from './printer-mib.js';
import { system } from './system.js';
import type { Profile } from './types.js';
import { ubiquitiUnifi } from './ubiquiti-unifi.js';
import { upsMib } from './ups-mib.js';

export type { Profile, ProfileContext, ProfileInput, ProfileOutput, SysFacts } from './types.js';
export { system };

/** Builds a registry by name; a duplicate name is a programming error and throws at load. */
export function registerProfiles(list: readonly Profile[]): ReadonlyMap<string, Profile> {
  return registry('SNMP profile', list, (p) => p.name);
}

/** Every SNMP profile: one file each, one line here. */
export const PROFILES = registerProfiles([
  system,
  ifMib,
  hostResources,
  cisco,
  netSnmp,
  upsMib,
  apcPowernet,
  ciscoEnvmon,
  entitySensor,
  powerEthernet,
  ciscoPoe,
  printerMib,
  ubiquitiUnifi,
]);

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
