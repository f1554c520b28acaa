// The agent reads the simulated site's topology MIBs over real SNMP (net-snmp's agent module, as the demo's
// devices), and the hub's graph built from those reads places every device and camera as drawn.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSnmpPoller, readTopology } from '@outpost/agent';
import { buildSiteGraph } from '@outpost/hub';
import type { DeviceConfig } from '@outpost/protocol';
import { type SimulatedDevice, startSimulatedDevice } from '../demo/sim/device.js';
import { TOPOLOGY_DEVICES, topologySite } from '../demo/sim/topology-site.js';

const AGENT_MAC = '02:00:5e:ee:00:01';
const addresses = Object.fromEntries(TOPOLOGY_DEVICES.map((n, i) => [n, `127.0.45.${i + 1}`])) as Record<
  (typeof TOPOLOGY_DEVICES)[number],
  string
>;
const cameras = [
  { ip: '127.0.45.21', mac: '02:00:5e:cc:00:21', switch: 'access-1' as const, port: 3 },
  { ip: '127.0.45.22', mac: '02:00:5e:cc:00:22', switch: 'access-2' as const, port: 4 },
];

describe('topology of a simulated site, read over SNMP', {
  skip: process.platform !== 'linux' && 'needs loopback addresses',
}, () => {
  const sims: SimulatedDevice[] = [];
  const poller = createSnmpPoller({ maxInFlight: 16 });
  before(async () => {
    for (const kind of topologySite({ addresses, agentMac: AGENT_MAC, cameras }))
      sims.push(
        await startSimulatedDevice(kind, {
          community: 'topo-lab',
          host: addresses[kind.name as keyof typeof addresses],
        }),
      );
  });
  after(async () => {
    poller.close();
    await Promise.all(sims.map((s) => s.stop()));
  });

  it('reads LLDP, forwarding and ARP tables and places everything behind the core, then the access switches', async () => {
    const devices = sims.map((s, i) => ({
      id: i + 1,
      name: s.name,
      ip_address: s.host,
      mac_address: null,
      sys_name: s.name,
      device_type: s.kind,
    }));
    const topology = new Map();
    for (const [i, s] of sims.entries()) {
      const config: DeviceConfig = {
        id: i + 1,
        name: s.name,
        ip_address: s.host,
        port: s.port,
        snmp: { version: '2c', community: 'topo-lab' },
        poll_interval_s: 60,
        timeout_ms: 1000,
        retries: 1,
        profiles: [],
      };
      topology.set(i + 1, { ts: Date.now(), ...(await readTopology(poller, config)) });
    }
    const core = topology.get(2);
    assert.equal(core.chassis_id, '02:00:5e:10:02:00');
    assert.deepEqual(
      core.neighbours.map((n: { local_port: string; sys_name: string; port_id: string }) => [
        n.local_port,
        n.sys_name,
        n.port_id,
      ]),
      [
        ['Gi0/22', 'access-2', 'Gi0/24'],
        ['Gi0/23', 'access-1', 'Gi0/24'],
        ['Gi0/24', 'router', 'ge-0/0/2'],
      ],
    );
    assert.ok(
      core.fdb.some((e: { mac: string; if_index: number }) => e.mac === AGENT_MAC && e.if_index === 1),
    );
    assert.ok(
      !core.fdb.some((e: { mac: string }) => e.mac === '02:00:5e:10:02:00'),
      "the bridge's own MAC is left out",
    );
    assert.deepEqual(
      topology.get(1).arp.find((a: { ip: string }) => a.ip === cameras[0]!.ip)?.mac,
      cameras[0]!.mac,
    );

    const g = buildSiteGraph({
      devices,
      cameras: cameras.map((c, i) => ({
        id: i + 1,
        name: `cam-${i + 1}`,
        ip_address: c.ip,
        mac_address: null,
      })),
      topology,
      agents: new Map([
        [
          'agent-1',
          {
            ts: Date.now(),
            interfaces: [{ name: 'eth0', mac: AGENT_MAC, addresses: [] }],
            gateways: [],
            neighbours: [],
          },
        ],
      ]),
    });
    const parent = Object.fromEntries([...g.parents].map(([k, p]) => [k, p.parent]));
    // 1 router, 2 core-sw, 3 access-1, 4 access-2, 5 ap-1, 6 ap-2
    assert.deepEqual(parent, {
      'device:1': 2,
      'device:2': null,
      'device:3': 2,
      'device:4': 2,
      'device:5': 3,
      'device:6': 4,
      'camera:1': 3,
      'camera:2': 4,
    });
  });
});
