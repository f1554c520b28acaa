import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PRIVATE_NETWORKS, SiteNetworks } from '../net/site-networks.js';
import { credentialUseRefusal } from './credential-use.js';

describe('credentialUseRefusal', () => {
  const nets = new SiteNetworks(PRIVATE_NETWORKS);
  const at = (host: string) => [{ field: 'ip_address', host }];
  const cases: [string, Parameters<typeof credentialUseRefusal>[0], number | undefined, string?][] = [
    ['operator, site set, private', { role: 'operator', setSiteId: 1, targets: at('10.1.2.3') }, undefined],
    ['operator, site set, CGNAT', { role: 'operator', setSiteId: 1, targets: at('100.64.0.9') }, undefined],
    ['operator, site set, ULA', { role: 'operator', setSiteId: 1, targets: at('fd00::5') }, undefined],
    [
      'operator, site set, public',
      { role: 'operator', setSiteId: 1, targets: at('198.51.100.7') },
      400,
      'ip_address',
    ],
    [
      'operator, site set, loopback',
      { role: 'operator', setSiteId: 1, targets: at('127.0.0.1') },
      400,
      'ip_address',
    ],
    [
      'operator, site set, a name',
      { role: 'operator', setSiteId: 1, targets: at('cam.example.com') },
      400,
      'ip_address',
    ],
    [
      'operator, global set',
      { role: 'operator', setSiteId: null, targets: at('10.1.2.3') },
      403,
      'credential_id',
    ],
    [
      'viewer, global set',
      { role: 'viewer', setSiteId: null, targets: at('10.1.2.3') },
      403,
      'credential_id',
    ],
    ['admin, global set, public', { role: 'admin', setSiteId: null, targets: at('198.51.100.7') }, undefined],
    [
      'operator, second target public',
      {
        role: 'operator',
        setSiteId: 1,
        targets: [
          { field: 'ip_address', host: '192.168.1.5' },
          { field: 'rtsp_url', host: '203.0.113.9' },
        ],
      },
      400,
      'rtsp_url',
    ],
  ];
  for (const [name, use, status, field] of cases) {
    it(name, () => {
      const r = credentialUseRefusal(use, nets);
      assert.equal(r?.status, status);
      if (field) assert.equal(r?.field, field);
    });
  }

  it('an allowed network widens the rule; a range must fit whole inside one network', () => {
    const wide = new SiteNetworks([...PRIVATE_NETWORKS, '198.51.100.0/24']);
    assert.equal(
      credentialUseRefusal({ role: 'operator', setSiteId: 1, targets: at('198.51.100.7') }, wide),
      undefined,
    );
    assert.equal(wide.containsRange('198.51.100.0/25'), true);
    assert.equal(wide.containsRange('198.51.100.0/23'), false);
    assert.equal(wide.containsRange('10.0.0.0/7'), false);
    assert.equal(wide.containsAddress('::ffff:10.0.0.1'), true, 'IPv4-mapped is its IPv4 address');
    assert.throws(() => new SiteNetworks(['10.0.0.0/33']), /10\.0\.0\.0\/33/);
    assert.throws(() => new SiteNetworks(['intranet']), /intranet/);
  });
});
