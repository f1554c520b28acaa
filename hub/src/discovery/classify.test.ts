import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DiscoveredHost } from '@outpost/protocol';
import { classifyHost, guessRtspPath } from './classify.js';

const host = (over: Partial<DiscoveredHost> = {}): DiscoveredHost => ({
  ip: '192.0.2.10',
  mac: '02:00:00:00:00:0a',
  seen_by: ['icmp', 'snmp'],
  snmp: {
    version: '2c',
    port: 161,
    credential_id: 1,
    sys: { name: 'core-sw', object_id: '1.3.6.1.4.1.9.1.516' },
  },
  guess: { kind: 'device', type: 'switch', vendor: 'Cisco' },
  ...over,
});
const device = {
  id: 7,
  name: 'core',
  ip_address: '192.0.2.10',
  mac_address: null,
  sys_name: 'core-sw',
  sys_object_id: '1.3.6.1.4.1.9.1.516',
};
const camera = { id: 3, name: 'gate', ip_address: '192.0.2.30', mac_address: '02:00:00:00:00:1e' };

describe('discovered hosts against the inventory', () => {
  const cases: [string, DiscoveredHost, object][] = [
    [
      'a host nothing matches is new',
      host({ ip: '192.0.2.99', mac: '02:00:00:00:00:99', snmp: undefined }),
      { status: 'new', changes: [] },
    ],
    [
      'the same IP and sysName is existing',
      host(),
      { status: 'existing', match: { kind: 'device', id: 7, name: 'core', by: 'ip' }, changes: [] },
    ],
    [
      'a camera matched by MAC at a new address has changed',
      host({
        ip: '192.0.2.31',
        mac: '02:00:00:00:00:1e',
        snmp: undefined,
        guess: { kind: 'camera', type: 'camera' },
      }),
      {
        status: 'changed',
        match: { kind: 'camera', id: 3, name: 'gate', by: 'mac' },
        changes: [{ field: 'ip_address', was: '192.0.2.30', now: '192.0.2.31' }],
      },
    ],
    [
      'a device found by sysName at another address, with other hardware',
      host({
        ip: '192.0.2.11',
        snmp: { version: '2c', port: 161, sys: { name: 'CORE-SW', object_id: '1.3.6.1.4.1.9.1.1208' } },
      }),
      {
        status: 'changed',
        match: { kind: 'device', id: 7, name: 'core', by: 'sys_name' },
        changes: [
          { field: 'ip_address', was: '192.0.2.10', now: '192.0.2.11' },
          { field: 'sys_name', was: 'core-sw', now: 'CORE-SW' },
          { field: 'sys_object_id', was: '1.3.6.1.4.1.9.1.516', now: '1.3.6.1.4.1.9.1.1208' },
        ],
      },
    ],
  ];
  for (const [name, h, want] of cases)
    it(name, () => assert.deepEqual(classifyHost(h, { devices: [device], cameras: [camera] }), want));

  it('prefers a MAC match over an IP match (the address moved to another machine)', () => {
    const other = {
      ...device,
      id: 8,
      name: 'old',
      ip_address: '192.0.2.50',
      mac_address: '02:00:00:00:00:0a',
    };
    const s = classifyHost(host(), { devices: [device, other], cameras: [] });
    assert.equal(s.match?.id, 8);
    assert.equal(s.match?.by, 'mac');
  });
});

describe('stream path of a discovered camera', () => {
  it('follows the maker, from SNMP or ONVIF', () => {
    assert.equal(
      guessRtspPath(host({ guess: { kind: 'camera', type: 'camera', vendor: 'Hikvision' } })),
      '/Streaming/Channels/101',
    );
    assert.equal(
      guessRtspPath(
        host({
          guess: { kind: 'camera', type: 'camera' },
          onvif: { xaddrs: [], types: [], hardware: 'AXIS P3245-V' },
        }),
      ),
      '/axis-media/media.amp',
    );
    assert.equal(guessRtspPath(host({ guess: { kind: 'camera', type: 'camera' } })), '/');
  });
});
