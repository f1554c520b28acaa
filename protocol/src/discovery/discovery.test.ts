import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventSchema } from '../messages/batch.js';
import { parseCommandArgs } from '../messages/command.js';
import { ConfigSchema } from '../messages/config.js';
import { checkRanges, formatIpv4, hostAddresses, inRange, parseCidr4, parseIpv4 } from './cidr.js';
import { DiscoveredHostSchema } from './host.js';
import { guessDevice } from './vendors.js';

const TS = Date.UTC(2026, 10, 29);

describe('IPv4 ranges', () => {
  const cases: [
    string,
    { base: string; prefix: number; hosts: number; first?: string; last?: string } | RegExp,
  ][] = [
    ['192.0.2.0/24', { base: '192.0.2.0', prefix: 24, hosts: 254, first: '192.0.2.1', last: '192.0.2.254' }],
    ['192.0.2.77/24', { base: '192.0.2.0', prefix: 24, hosts: 254 }],
    ['10.1.2.3', { base: '10.1.2.3', prefix: 32, hosts: 1, first: '10.1.2.3' }],
    ['10.0.0.0/31', { base: '10.0.0.0', prefix: 31, hosts: 2, first: '10.0.0.0', last: '10.0.0.1' }],
    ['10.0.0.4/30', { base: '10.0.0.4', prefix: 30, hosts: 2, first: '10.0.0.5', last: '10.0.0.6' }],
    ['172.16.0.0/22', { base: '172.16.0.0', prefix: 22, hosts: 1022, last: '172.16.3.254' }],
    ['2001:db8::/64', /IPv6 ranges cannot be swept/],
    ['192.0.2.0/33', /prefix length must be 0 to 32/],
    ['192.0.2/24', /must be an IPv4 range/],
    ['256.0.0.1/24', /must be an IPv4 range/],
    ['1.2.3.4/24/1', /must be an IPv4 range/],
  ];
  for (const [text, want] of cases) {
    it(`parses ${text}`, () => {
      const r = parseCidr4(text);
      if (want instanceof RegExp) {
        assert.ok('error' in r);
        assert.match(r.error, want);
        return;
      }
      assert.ok(!('error' in r), JSON.stringify(r));
      assert.equal(formatIpv4(r.base), want.base);
      assert.equal(r.prefix, want.prefix);
      const hosts = hostAddresses(r);
      assert.equal(hosts.length, want.hosts);
      if (want.first) assert.equal(formatIpv4(hosts[0]!), want.first);
      if (want.last) assert.equal(formatIpv4(hosts.at(-1)!), want.last);
      for (const h of hosts) assert.ok(inRange(h, r));
    });
  }

  it('round-trips addresses through numbers', () => {
    for (const a of ['0.0.0.0', '255.255.255.255', '127.0.50.9', '10.200.3.1'])
      assert.equal(formatIpv4(parseIpv4(a)!), a);
    assert.equal(parseIpv4('01.2.3.4'), null);
  });

  it('refuses a range wider than the bound, naming it and the bound', () => {
    const r = checkRanges(['192.0.2.0/24', '10.0.0.0/21'], { maxPrefixWidth: 22 });
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.equal(r.index, 1);
    assert.match(r.error, /^10\.0\.0\.0\/21 is wider than \/22 \(2048 addresses, at most 1024\)/);
  });

  it('counts an address held by two ranges once', () => {
    const r = checkRanges(['10.0.0.0/24', '10.0.0.128/25', '10.0.0.0/24', '10.0.1.0/24'], {
      maxPrefixWidth: 22,
    });
    assert.ok(r.ok);
    assert.equal(r.addresses, 512);
    assert.deepEqual(
      r.ranges.map((x) => `${formatIpv4(x.base)}/${x.prefix}`),
      ['10.0.0.0/24', '10.0.1.0/24'],
    );
  });
});

describe('discover args', () => {
  it('takes ranges and fills the bounds of a gentle sweep', () => {
    const p = parseCommandArgs({ type: 'discover', args: { cidrs: ['192.0.2.0/24'] } });
    assert.ok(p.ok);
    assert.deepEqual(p.args, {
      cidrs: ['192.0.2.0/24'],
      ports: [554],
      snmp_port: 161,
      rate_pps: 100,
      concurrency: 32,
      timeout_ms: 1000,
      onvif: true,
    });
  });

  it('joins the first form (cidr) to cidrs', () => {
    const p = parseCommandArgs({
      type: 'discover',
      args: { cidr: '192.0.2.0/24', cidrs: ['198.51.100.0/24'] },
    });
    assert.ok(p.ok);
    assert.deepEqual((p.args as { cidrs: string[] }).cidrs, ['198.51.100.0/24', '192.0.2.0/24']);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['no range', {}, /^args\.cidrs: give at least one range/],
    ['an IPv6 range', { cidrs: ['2001:db8::/64'] }, /^args\.cidrs\.0: 2001:db8::\/64: IPv6 ranges/],
    ['wider than a /16', { cidrs: ['10.0.0.0/15'] }, /^args\.cidrs\.0: 10\.0\.0\.0\/15 is wider than \/16/],
    ['a rate of 0', { cidrs: ['10.0.0.0/24'], rate_pps: 0 }, /^args\.rate_pps:/],
    ['an unknown field', { cidrs: ['10.0.0.0/24'], password: 'x' }, /password/],
  ];
  for (const [name, args, want] of bad)
    it(`refuses ${name}`, () => {
      const p = parseCommandArgs({ type: 'discover', args });
      assert.equal(p.ok, false);
      assert.ok(!p.ok);
      assert.match(p.reason, want);
    });
});

describe('device guesses from sysObjectID and sysDescr', () => {
  const cases: [string, string | undefined, string, { vendor?: string; type: string; profile?: string }][] = [
    [
      'Cisco 3750',
      '1.3.6.1.4.1.9.1.516',
      'Cisco IOS Software, C3750 Software',
      { vendor: 'Cisco', type: 'switch' },
    ],
    [
      'Cisco ISR',
      '1.3.6.1.4.1.9.1.1041',
      'Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M)',
      { vendor: 'Cisco', type: 'router' },
    ],
    [
      'Cisco ASA',
      '1.3.6.1.4.1.9.1.2114',
      'Cisco Adaptive Security Appliance Version 9.8',
      { vendor: 'Cisco', type: 'firewall' },
    ],
    [
      'Cisco AP',
      '1.3.6.1.4.1.9.1.2240',
      'Cisco AP Software, C9120AXI',
      { vendor: 'Cisco', type: 'access_point' },
    ],
    ['APC UPS', '1.3.6.1.4.1.318.1.3.27', 'APC Web/SNMP Management Card', { vendor: 'APC', type: 'ups' }],
    [
      'Linux box',
      '1.3.6.1.4.1.8072.3.2.10',
      'Linux nas 6.1.0-13-amd64',
      { vendor: 'Net-SNMP', type: 'server' },
    ],
    [
      'UniFi AP on Net-SNMP',
      '1.3.6.1.4.1.8072.3.2.10',
      'Linux U6-Lite 4.4.153 UniFi',
      { vendor: 'Net-SNMP', type: 'access_point', profile: 'ubiquiti-unifi' },
    ],
    [
      'HP printer',
      '1.3.6.1.4.1.11.2.3.9.1',
      'HP ETHERNET MULTI-ENVIRONMENT',
      { vendor: 'HP', type: 'printer' },
    ],
    [
      'Juniper EX',
      '1.3.6.1.4.1.2636.1.1.1.2.31',
      'Juniper Networks, Inc. ex2200-24t',
      { vendor: 'Juniper', type: 'switch' },
    ],
    [
      'MikroTik CRS',
      '1.3.6.1.4.1.14988.1',
      'RouterOS CRS328-24P-4S+',
      { vendor: 'MikroTik', type: 'switch' },
    ],
    ['Hikvision camera', '1.3.6.1.4.1.39165.1.1', 'DS-2CD2143G0-I', { vendor: 'Hikvision', type: 'camera' }],
    ['unknown enterprise, UPS in descr', '1.3.6.1.4.1.99999.1', 'Smart-UPS 1500', { type: 'ups' }],
    ['no sysObjectID', undefined, '', { type: 'other' }],
  ];
  for (const [name, oid, descr, want] of cases)
    it(name, () => assert.deepEqual(guessDevice(oid, descr), want));
});

describe('schemas', () => {
  it('accepts a discovered host and refuses a MAC in another notation', () => {
    const host = {
      ip: '192.0.2.10',
      mac: '00:1a:2b:3c:4d:5e',
      seen_by: ['icmp', 'snmp'],
      snmp: {
        credential_id: 3,
        version: '2c',
        port: 161,
        sys: { name: 'core-sw', object_id: '1.3.6.1.4.1.9.1.516' },
      },
      guess: { kind: 'device', type: 'switch', vendor: 'Cisco' },
    };
    assert.equal(DiscoveredHostSchema.safeParse(host).success, true);
    const r = DiscoveredHostSchema.safeParse({ ...host, mac: '001A.2B3C.4D5E' });
    assert.equal(r.success, false);
  });

  it('reads topology and agent_network events, and refuses a bad MAC in an FDB row', () => {
    const topo = {
      type: 'topology',
      ts: TS,
      device_id: 7,
      interfaces: [{ index: 1, name: 'Gi0/1', mac: '00:1a:2b:3c:4d:01' }],
      neighbours: [
        {
          protocol: 'lldp',
          local_if: 1,
          chassis_id: '00:1a:2b:3c:4d:99',
          port_id: 'Gi0/24',
          sys_name: 'access-1',
        },
      ],
      fdb: [{ mac: '00:1a:2b:3c:4d:77', if_index: 1, vlan: 1 }],
      arp: [{ ip: '192.0.2.20', mac: '00:1a:2b:3c:4d:77' }],
    };
    const ok = EventSchema.safeParse(topo);
    assert.equal(ok.success, true);
    const bad = EventSchema.safeParse({ ...topo, fdb: [{ mac: 'zz', if_index: 1 }] });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error?.issues[0]?.path, ['fdb', 0, 'mac']);
    const net = EventSchema.safeParse({
      type: 'agent_network',
      ts: TS,
      interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01', addresses: ['192.0.2.5/24'] }],
      gateways: [{ ip: '192.0.2.1', interface: 'eth0' }],
      neighbours: [{ ip: '192.0.2.1', mac: '02:00:00:00:00:fe', interface: 'eth0' }],
    });
    assert.equal(net.success, true);
  });

  it('carries credential sets and the topology interval in config, 900 s by default', () => {
    const c = ConfigSchema.parse({
      v: 1,
      version: 1,
      issued_at: TS,
      site_id: 1,
      credential_sets: [
        {
          id: 1,
          name: 'site',
          snmp: [{ id: 4, snmp: { version: '2c', community: 'c1' } }],
          camera: [{ id: 5, username: 'admin', password: 'p' }],
        },
      ],
    });
    assert.equal(c.intervals.topology_s, 900);
    assert.equal(c.credential_sets?.[0]?.snmp[0]?.id, 4);
  });
});
