import * as z from 'zod';
import { MacText } from '../discovery/host.js';
import { EntityId, Text, Timestamp } from './common.js';

const Ip = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });
const IfIndex = z
  .int()
  .min(0)
  .max(2 ** 31 - 1);

/** Most rows of each table in one event; a longer table is cut and named in `truncated`. */
export const TOPOLOGY_LIMITS = { interfaces: 1024, neighbours: 512, fdb: 4096, arp: 4096 } as const;

/** An LLDP-MIB lldpRemTable row (or a CISCO-CDP-MIB cdpCacheTable row): who is at the far end of a port. */
export const NeighbourSchema = z.object({
  protocol: z.enum(['lldp', 'cdp']),
  /** The local port: its ifIndex where the device maps it, and its name. */
  local_if: IfIndex.optional(),
  local_port: Text(255).optional(),
  /** LLDP chassis id (a MAC when its subtype says so, as aa:bb:..); CDP device id. */
  chassis_id: Text(255).optional(),
  /** The far end's port id (LLDP: a name or MAC by subtype; CDP: the port name). */
  port_id: Text(255).optional(),
  port_descr: Text(255).optional(),
  sys_name: Text(255).optional(),
  sys_descr: Text(1024).optional(),
  /** Management address (lldpRemManAddrTable; CDP address). */
  mgmt_ip: Ip.optional(),
  /** LLDP system capabilities enabled: bridge, router, wlan-access-point, telephone, station, ... */
  capabilities: z.array(Text(32)).max(16).optional(),
});

/**
 * `topology`: a device's own identity on the wire and what its tables say about its neighbours (LLDP, CDP),
 * the MACs learnt on each port (BRIDGE-MIB / Q-BRIDGE-MIB) and its ARP cache (IP-MIB). The hub builds the
 * site's links and upstream parents from the latest event of each device.
 */
export const TopologyEvent = z.object({
  type: z.literal('topology'),
  ts: Timestamp,
  device_id: EntityId,
  /** IF-MIB ifIndex -> name (ifName, else ifDescr) and ifPhysAddress. */
  interfaces: z
    .array(z.object({ index: IfIndex, name: Text(255).optional(), mac: MacText.optional() }))
    .max(TOPOLOGY_LIMITS.interfaces)
    .default([]),
  /** LLDP local chassis id (as text; a MAC as aa:bb:..). */
  chassis_id: Text(255).optional(),
  /** BRIDGE-MIB dot1dBaseBridgeAddress. */
  bridge_mac: MacText.optional(),
  neighbours: z.array(NeighbourSchema).max(TOPOLOGY_LIMITS.neighbours).default([]),
  /** Forwarding table: MAC learnt on a port (ifIndex where the bridge port maps to one), per VLAN when known. */
  fdb: z
    .array(
      z.object({
        mac: MacText,
        if_index: IfIndex.optional(),
        bridge_port: IfIndex.optional(),
        vlan: z.int().min(0).max(4095).optional(),
      }),
    )
    .max(TOPOLOGY_LIMITS.fdb)
    .default([]),
  arp: z
    .array(z.object({ ip: Ip, mac: MacText, if_index: IfIndex.optional() }))
    .max(TOPOLOGY_LIMITS.arp)
    .default([]),
  /** Tables cut at their limit. */
  truncated: z.array(Text(32)).max(8).optional(),
  /** Tables that could not be read (`lldp: timeout`); a table the device does not have is just empty. */
  errors: z.array(Text(512)).max(8).optional(),
});

/**
 * `agent_network`: where the agent itself sits: its interfaces (MACs, addresses), default gateways and its
 * neighbour (ARP/NDP) table. The hub finds the agent's switch port from its MAC in the forwarding tables.
 */
export const AgentNetworkEvent = z.object({
  type: z.literal('agent_network'),
  ts: Timestamp,
  interfaces: z
    .array(
      z.object({
        name: Text(64),
        mac: MacText.optional(),
        /** `192.0.2.5/24` */
        addresses: z.array(Text(64)).max(16).default([]),
      }),
    )
    .max(64)
    .default([]),
  gateways: z
    .array(z.object({ ip: Ip, interface: Text(64).optional(), mac: MacText.optional() }))
    .max(8)
    .default([]),
  neighbours: z
    .array(z.object({ ip: Ip, mac: MacText, interface: Text(64).optional() }))
    .max(TOPOLOGY_LIMITS.arp)
    .default([]),
});

export type TopologyEventMessage = z.infer<typeof TopologyEvent>;
export type AgentNetworkEventMessage = z.infer<typeof AgentNetworkEvent>;
