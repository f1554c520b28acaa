import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigMessage, DeviceConfig, SnmpCredentials } from '@outpost/protocol';
import { siteCommunities } from './site-communities.js';
import { MAX_OTHER_COMMUNITIES, otherCommunities } from './timeout-evidence.js';

const v2 = (community: string): SnmpCredentials => ({ version: '2c', community });
const v3: SnmpCredentials = { version: '3', username: 'mon', security_level: 'noAuthNoPriv' };
const dev = (id: number, snmp: SnmpCredentials) => ({ id, snmp }) as DeviceConfig;
const set = (id: number, snmp: SnmpCredentials[]) => ({
  id,
  name: `set ${id}`,
  snmp: snmp.map((s, i) => ({ id: id * 10 + i, snmp: s })),
  camera: [],
});
const names = (cs: SnmpCredentials[]) =>
  cs.map((c) => (c.version === '3' ? `v3:${c.username}` : c.community));

describe('siteCommunities', () => {
  const cases: {
    name: string;
    config: Pick<ConfigMessage, 'devices' | 'credential_sets'>;
    want: string[];
  }[] = [
    { name: 'an empty site', config: { devices: [] }, want: [] },
    {
      name: "the devices' communities, the most used first, then the sets' in order, each once",
      config: {
        devices: [dev(1, v2('a')), dev(2, v2('b')), dev(3, v2('b')), dev(4, v3)],
        credential_sets: [set(1, [v2('c'), v2('a'), v3]), set(2, [v2('d')])],
      },
      want: ['b', 'a', 'c', 'd'],
    },
    {
      name: 'v1 and v2c alike, SNMPv3 users never',
      config: {
        devices: [dev(1, { version: '1', community: 'old' }), dev(2, v3)],
        credential_sets: [set(1, [v3])],
      },
      want: ['old'],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(names(siteCommunities(c.config)), c.want));
});

describe('otherCommunities', () => {
  const cases: { name: string; own: SnmpCredentials; site: SnmpCredentials[]; want: string[] }[] = [
    { name: "leaves the device's own community out", own: v2('a'), site: [v2('a'), v2('b')], want: ['b'] },
    {
      name: `tries ${MAX_OTHER_COMMUNITIES} at most`,
      own: v2('x'),
      site: [v2('a'), v2('b'), v2('c'), v2('d')],
      want: ['a', 'b', 'c'],
    },
    {
      name: 'a community once, whatever its version',
      own: v2('x'),
      site: [v2('a'), { version: '1', community: 'a' }],
      want: ['a'],
    },
    { name: 'every community for a v3 device', own: v3, site: [v2('a'), v3], want: ['a'] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(names(otherCommunities(c.own, c.site)), c.want));
});
