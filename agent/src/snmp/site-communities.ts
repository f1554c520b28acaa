import type { ConfigMessage, SnmpCredentials } from '@outpost/protocol';

type Community = Extract<SnmpCredentials, { version: '1' | '2c' }>;

/**
 * Pure: the v1/v2c communities known for a site, as evidence for a device that times out: those of the site's
 * SNMP devices first, the most used first (a community that other devices of the site answer is the likeliest
 * one), then the credential sets' in their order (site sets, then global). One entry per community.
 */
export function siteCommunities(config: Pick<ConfigMessage, 'devices' | 'credential_sets'>): Community[] {
  const uses = new Map<string, { c: Community; n: number; first: number }>();
  config.devices.forEach((d, i) => {
    if (d.snmp.version === '3') return;
    const seen = uses.get(d.snmp.community);
    if (seen) seen.n++;
    else uses.set(d.snmp.community, { c: d.snmp, n: 1, first: i });
  });
  const out = [...uses.values()].sort((a, b) => b.n - a.n || a.first - b.first).map((u) => u.c);
  const have = new Set(uses.keys());
  for (const set of config.credential_sets ?? [])
    for (const { snmp } of set.snmp) {
      if (snmp.version === '3' || have.has(snmp.community)) continue;
      have.add(snmp.community);
      out.push(snmp);
    }
  return out;
}
