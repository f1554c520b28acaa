// A small site whose devices describe how they are wired, as real gear does (LLDP-MIB, Q-BRIDGE-MIB forwarding
// tables, IP-MIB ARP): a router, a core switch, two access switches with an access point and cameras behind
// each. The agent's own MAC is learnt on the core switch's first port, where the agent is plugged in.
import type { DeviceKind } from './device.js';
import { addSystemGroup } from './mib.js';
import { addArp, addBridge, addLldp, addPorts, type LldpNeighbour, type SimPort } from './topology-mib.js';

export interface TopologySiteOptions {
  /** Address of each device by name (router, core-sw, access-1, access-2, ap-1, ap-2). */
  addresses: Readonly<Record<TopologyDeviceName, string>>;
  /** The agent's MAC: learnt on core-sw Gi0/1. */
  agentMac: string;
  /** Cameras (their addresses and MACs) plugged into an access switch port. */
  cameras: readonly { ip: string; mac: string; switch: 'access-1' | 'access-2'; port: number }[];
}

export const TOPOLOGY_DEVICES = ['router', 'core-sw', 'access-1', 'access-2', 'ap-1', 'ap-2'] as const;
export type TopologyDeviceName = (typeof TOPOLOGY_DEVICES)[number];

/** Each device's MAC block: 02:00:5e:10:<n>:<port> (locally administered). */
const base = (n: number) => `02:00:5e:10:${n.toString(16).padStart(2, '0')}`;
const chassisOf = (n: number) => `${base(n)}:00`;
const portsOf = (n: number, count: number, prefix = 'Gi0/'): SimPort[] =>
  Array.from({ length: count }, (_, i) => ({
    ifIndex: i + 1,
    name: `${prefix}${i + 1}`,
    mac: `${base(n)}:${(i + 1).toString(16).padStart(2, '0')}`,
  }));

const NUM: Record<TopologyDeviceName, number> = {
  router: 1,
  'core-sw': 2,
  'access-1': 3,
  'access-2': 4,
  'ap-1': 5,
  'ap-2': 6,
};

/**
 * The device kinds of the site, to start with `startSimulatedDevice` (one address each). Core Gi0/24 goes to the
 * router, Gi0/23 to access-1, Gi0/22 to access-2, Gi0/1 to the agent; each access switch's Gi0/24 goes to the
 * core, Gi0/2 to its access point (ap-1 speaks LLDP, ap-2 does not), cameras on the ports given.
 */
export function topologySite(o: TopologySiteOptions): DeviceKind[] {
  const mac = (name: TopologyDeviceName) => chassisOf(NUM[name]);
  const lldp = (
    ifIndex: number,
    name: TopologyDeviceName,
    portId: string,
    caps: LldpNeighbour['capabilities'],
  ): LldpNeighbour => ({
    ifIndex,
    chassisMac: mac(name),
    portId,
    sysName: name,
    mgmtIp: o.addresses[name],
    capabilities: caps,
  });
  const camerasOn = (sw: 'access-1' | 'access-2') => o.cameras.filter((c) => c.switch === sw);
  const behind = (sw: 'access-1' | 'access-2') => [
    mac(sw),
    mac(sw === 'access-1' ? 'ap-1' : 'ap-2'),
    ...camerasOn(sw).map((c) => c.mac),
  ];
  const sysFacts = (name: TopologyDeviceName, descr: string, objectId: string) => ({
    descr,
    objectId,
    name,
    location: 'Topology lab',
    contact: 'noc@example.net',
  });
  const kind = (name: TopologyDeviceName, k: DeviceKind['kind'], build: DeviceKind['build']): DeviceKind => ({
    kind: k,
    name,
    vendor: k === 'access_point' ? 'Ubiquiti' : 'Cisco',
    build,
  });
  const sw = (name: 'access-1' | 'access-2'): DeviceKind =>
    kind(name, 'switch', (mib, bootedAt) => {
      const ports = portsOf(NUM[name], 24);
      const ap: TopologyDeviceName = name === 'access-1' ? 'ap-1' : 'ap-2';
      addSystemGroup(
        mib,
        sysFacts(name, 'Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M)', '1.3.6.1.4.1.9.1.1208'),
        bootedAt,
      );
      addPorts(mib, ports);
      addLldp(mib, mac(name), ports, [
        lldp(24, 'core-sw', name === 'access-1' ? 'Gi0/23' : 'Gi0/22', ['bridge']),
        ...(ap === 'ap-1' ? [lldp(2, 'ap-1', 'eth0', ['wlan-access-point'])] : []),
      ]);
      const other = name === 'access-1' ? 'access-2' : 'access-1';
      addBridge(mib, mac(name), ports, [
        ...[mac('core-sw'), mac('router'), o.agentMac, ...behind(other)].map((m) => ({
          mac: m,
          ifIndex: 24,
        })),
        { mac: mac(ap), ifIndex: 2 },
        ...camerasOn(name).map((c) => ({ mac: c.mac, ifIndex: c.port })),
      ]);
      return [];
    });
  return [
    kind('router', 'router', (mib, bootedAt) => {
      const ports = portsOf(NUM.router, 2, 'ge-0/0/');
      addSystemGroup(
        mib,
        sysFacts(
          'router',
          'Cisco IOS Software, C1900 Software (C1900-UNIVERSALK9-M)',
          '1.3.6.1.4.1.9.1.1041',
        ),
        bootedAt,
      );
      addPorts(mib, ports);
      addLldp(mib, mac('router'), ports, [lldp(2, 'core-sw', 'Gi0/24', ['bridge'])]);
      addArp(mib, 2, [
        ...o.cameras.map((c) => ({ ip: c.ip, mac: c.mac })),
        ...(['ap-1', 'ap-2'] as const).map((n) => ({ ip: o.addresses[n], mac: mac(n) })),
      ]);
      return [];
    }),
    kind('core-sw', 'switch', (mib, bootedAt) => {
      const ports = portsOf(NUM['core-sw'], 24);
      addSystemGroup(
        mib,
        sysFacts(
          'core-sw',
          'Cisco IOS Software, C3750 Software (C3750-IPSERVICESK9-M)',
          '1.3.6.1.4.1.9.1.516',
        ),
        bootedAt,
      );
      addPorts(mib, ports);
      addLldp(mib, mac('core-sw'), ports, [
        lldp(24, 'router', 'ge-0/0/2', ['router']),
        lldp(23, 'access-1', 'Gi0/24', ['bridge']),
        lldp(22, 'access-2', 'Gi0/24', ['bridge']),
      ]);
      addBridge(mib, mac('core-sw'), ports, [
        { mac: o.agentMac, ifIndex: 1 },
        { mac: mac('router'), ifIndex: 24 },
        ...behind('access-1').map((m) => ({ mac: m, ifIndex: 23 })),
        ...behind('access-2').map((m) => ({ mac: m, ifIndex: 22 })),
      ]);
      return [];
    }),
    sw('access-1'),
    sw('access-2'),
    kind('ap-1', 'access_point', (mib, bootedAt) => {
      const ports = portsOf(NUM['ap-1'], 1, 'eth');
      addSystemGroup(
        mib,
        sysFacts('ap-1', 'Linux U6-Lite 4.4.153 UniFi', '1.3.6.1.4.1.8072.3.2.10'),
        bootedAt,
      );
      addPorts(mib, ports);
      addLldp(mib, mac('ap-1'), ports, [lldp(1, 'access-1', 'Gi0/2', ['bridge'])]);
      return [];
    }),
    // ap-2 speaks no LLDP: it is placed by its MAC in access-2's forwarding table.
    kind('ap-2', 'access_point', (mib, bootedAt) => {
      addSystemGroup(
        mib,
        sysFacts('ap-2', 'Linux U6-Lite 4.4.153 UniFi', '1.3.6.1.4.1.8072.3.2.10'),
        bootedAt,
      );
      addPorts(mib, portsOf(NUM['ap-2'], 1, 'eth'));
      return [];
    }),
  ];
}

/** The MAC the site's topology gives a device (its chassis and bridge address). */
export function topologyMac(name: TopologyDeviceName): string {
  return chassisOf(NUM[name]);
}
