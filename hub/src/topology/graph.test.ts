import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSiteGraph } from './graph.js';
import type { SiteInventory } from './types.js';

const TS = Date.UTC(2026, 10, 29);
const mac = (n: number) => `02:00:00:00:00:${n.toString(16).padStart(2, '0')}`;
const ifs = (n: number, base: number) =>
  Array.from({ length: n }, (_, i) => ({ index: i + 1, name: `Gi0/${i + 1}`, mac: mac(base + i) }));

// The drawn site: the agent on core-sw Gi0/1; router on core Gi0/24; access-1 on core Gi0/23, access-2 on Gi0/22;
// ap-1 (LLDP) on access-1 Gi0/2, cam-1 on access-1 Gi0/3; ap-2 (no LLDP) on access-2 Gi0/5, cam-2 on access-2 Gi0/4.
const R = 0x10;
const C = 0x40;
const A1 = 0x80;
const A2 = 0xa0;
const AP1 = 0xc1;
const AP2 = 0xc2;
const CAM1 = 0xd1;
const CAM2 = 0xd2;
const AGENT = 0xee;

function site(opts: { agentMacLearnt?: boolean } = {}): SiteInventory {
  const lldp = (local_if: number, chassis: string, port_id: string, sys_name: string) => ({
    protocol: 'lldp' as const,
    local_if,
    chassis_id: chassis,
    port_id,
    sys_name,
  });
  const fdb = (entries: [number, number[]][]) =>
    entries.flatMap(([port, macs]) => macs.map((m) => ({ mac: mac(m), if_index: port, bridge_port: port })));
  const agentOn = opts.agentMacLearnt === false ? [] : [AGENT];
  return {
    devices: [
      {
        id: 1,
        name: 'router',
        ip_address: '192.0.2.1',
        mac_address: null,
        sys_name: 'router',
        device_type: 'router',
      },
      {
        id: 2,
        name: 'core-sw',
        ip_address: '192.0.2.2',
        mac_address: null,
        sys_name: 'core-sw.example.net',
        device_type: 'switch',
      },
      {
        id: 3,
        name: 'access-1',
        ip_address: '192.0.2.3',
        mac_address: null,
        sys_name: 'access-1',
        device_type: 'switch',
      },
      {
        id: 4,
        name: 'access-2',
        ip_address: '192.0.2.4',
        mac_address: null,
        sys_name: 'access-2',
        device_type: 'switch',
      },
      {
        id: 5,
        name: 'ap-1',
        ip_address: '192.0.2.5',
        mac_address: null,
        sys_name: 'ap-1',
        device_type: 'access_point',
      },
      {
        id: 6,
        name: 'ap-2',
        ip_address: '192.0.2.6',
        mac_address: null,
        sys_name: 'ap-2',
        device_type: 'access_point',
      },
    ],
    cameras: [
      { id: 1, name: 'cam-1', ip_address: '192.0.2.21', mac_address: null },
      { id: 2, name: 'cam-2', ip_address: '192.0.2.22', mac_address: mac(CAM2) },
    ],
    topology: new Map([
      [
        1,
        {
          ts: TS,
          interfaces: ifs(2, R),
          chassis_id: mac(R),
          neighbours: [lldp(1, mac(C), 'Gi0/24', 'core-sw')],
          fdb: [],
          arp: [
            { ip: '192.0.2.21', mac: mac(CAM1) },
            { ip: '192.0.2.6', mac: mac(AP2) },
            { ip: '192.0.2.50', mac: mac(AGENT) },
          ],
        },
      ],
      [
        2,
        {
          ts: TS,
          interfaces: ifs(24, C),
          chassis_id: mac(C),
          bridge_mac: mac(C),
          neighbours: [
            lldp(24, mac(R), 'Gi0/1', 'router'),
            lldp(23, mac(A1), 'Gi0/24', 'access-1'),
            lldp(22, mac(A2), 'Gi0/24', 'access-2'),
          ],
          fdb: fdb([
            [1, agentOn],
            [24, [R]],
            [23, [A1, AP1, CAM1]],
            [22, [A2, AP2, CAM2]],
          ]),
          arp: [],
        },
      ],
      [
        3,
        {
          ts: TS,
          interfaces: ifs(24, A1),
          chassis_id: mac(A1),
          neighbours: [lldp(24, mac(C), 'Gi0/23', 'core-sw'), lldp(2, mac(AP1), 'eth0', 'ap-1')],
          fdb: fdb([
            [24, [C, R, ...agentOn, A2, AP2, CAM2]],
            [2, [AP1]],
            [3, [CAM1]],
          ]),
          arp: [],
        },
      ],
      [
        4,
        {
          ts: TS,
          interfaces: ifs(24, A2),
          chassis_id: mac(A2),
          neighbours: [lldp(24, mac(C), 'Gi0/22', 'core-sw')],
          fdb: fdb([
            [24, [C, R, ...agentOn, A1, AP1, CAM1]],
            [5, [AP2]],
            [4, [CAM2]],
          ]),
          arp: [],
        },
      ],
      [
        5,
        {
          ts: TS,
          interfaces: [{ index: 1, name: 'eth0', mac: mac(AP1) }],
          chassis_id: mac(AP1),
          neighbours: [],
          fdb: [],
          arp: [],
        },
      ],
    ]),
    agents: new Map([
      [
        'agent-1',
        {
          ts: TS,
          interfaces: [{ name: 'eth0', mac: mac(AGENT), addresses: ['192.0.2.50/24'] }],
          gateways: [{ ip: '192.0.2.1', interface: 'eth0' }],
          neighbours: [],
        },
      ],
    ]),
  };
}

const parentsOf = (g: ReturnType<typeof buildSiteGraph>) =>
  Object.fromEntries([...g.parents].map(([k, p]) => [k, p.parent]));

describe('site graph and upstream parents', () => {
  it('infers the drawn topology: everything through the core, then the access switches', () => {
    const g = buildSiteGraph(site());
    assert.deepEqual(parentsOf(g), {
      'device:1': 2,
      'device:2': null,
      'device:3': 2,
      'device:4': 2,
      'device:5': 3,
      'device:6': 4,
      'camera:1': 3,
      'camera:2': 4,
    });
    assert.deepEqual(g.unplaced, []);
    assert.match(g.root?.evidence ?? '', /the agent's MAC is learnt on core-sw Gi0\/1/);
  });

  it('gives each parent its evidence and path', () => {
    const g = buildSiteGraph(site());
    const cam = g.parents.get('camera:1')!;
    assert.deepEqual(cam.path, ['agent:agent-1', 'device:2', 'device:3', 'camera:1']);
    assert.match(cam.evidence[0]!, /MAC 02:00:00:00:00:d1 learnt on access-1 Gi0\/3 \(1 MAC on that port\)/);
    assert.match(cam.evidence[1]!, /path from the agent: agent agent-1 -> core-sw -> access-1 -> cam-1/);
    assert.match(g.parents.get('device:3')!.evidence[0]!, /^LLDP: /);
  });

  it('draws LLDP links once, with the port at each end', () => {
    const g = buildSiteGraph(site());
    const coreA1 = g.links.filter((l) => [l.a, l.b].sort().join() === 'device:2,device:3');
    assert.equal(coreA1.length, 1);
    const l = coreA1[0]!;
    const ports = l.a === 'device:2' ? [l.a_port, l.b_port] : [l.b_port, l.a_port];
    assert.deepEqual(ports, ['Gi0/23', 'Gi0/24']);
  });

  it("falls back to the agent's default gateway when its MAC is in no forwarding table", () => {
    const g = buildSiteGraph(site({ agentMacLearnt: false }));
    assert.match(g.root?.evidence ?? '', /default gateway is router/);
    const p = parentsOf(g);
    assert.equal(p['device:1'], null);
    assert.equal(p['device:2'], 1);
    assert.equal(p['camera:1'], 3);
  });

  it('infers no parent when the agent cannot be placed, and says which nodes are unplaced', () => {
    const s = site({ agentMacLearnt: false });
    const g = buildSiteGraph({
      ...s,
      agents: new Map([['agent-1', { ts: TS, interfaces: [], gateways: [], neighbours: [] }]]),
    });
    assert.equal(g.root, null);
    assert.equal(g.parents.size, 0);
    assert.equal(g.unplaced.length, 8);
  });

  it('leaves a node out of the tree when nothing links it', () => {
    const s = site();
    const g = buildSiteGraph({
      ...s,
      cameras: [...s.cameras, { id: 3, name: 'lost-cam', ip_address: '192.0.2.99', mac_address: null }],
    });
    assert.deepEqual(g.unplaced, ['camera:3']);
  });

  it("places the agent behind the core while only an access switch's tables are in (seen on its uplink)", () => {
    const s = site();
    const topology = new Map(s.topology);
    topology.delete(2);
    topology.delete(4);
    const g = buildSiteGraph({ ...s, topology });
    assert.match(g.root?.evidence ?? '', /learnt on access-1 Gi0\/24, the uplink to core-sw/);
    const p = parentsOf(g);
    assert.equal(p['device:2'], null, 'the core is next to the agent, not behind access-1');
    assert.equal(p['device:3'], 2);
    assert.equal(p['camera:1'], 3);
  });
});
