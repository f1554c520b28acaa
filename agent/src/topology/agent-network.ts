import os from 'node:os';
import { type AgentNetworkEventMessage, TOPOLOGY_LIMITS } from '@outpost/protocol';
import { type Neighbour, readGateways, readNeighbours } from '../discovery/local-network.js';

export type AgentNetworkFacts = Omit<AgentNetworkEventMessage, 'type' | 'ts'>;

/** Pure: the agent's interfaces, gateways (with their MACs from the neighbour table) and neighbours. */
export function agentNetworkOf(
  ifaces: ReturnType<typeof os.networkInterfaces>,
  gateways: readonly { ip: string; interface: string }[],
  neighbours: readonly Neighbour[],
): AgentNetworkFacts {
  const interfaces: AgentNetworkFacts['interfaces'] = [];
  for (const [name, list] of Object.entries(ifaces)) {
    const real = (list ?? []).filter((a) => !a.internal);
    if (real.length === 0) continue;
    const mac = real.find((a) => a.mac && a.mac !== '00:00:00:00:00:00')?.mac.toLowerCase();
    interfaces.push({
      name: name.slice(0, 64),
      ...(mac ? { mac } : {}),
      addresses: real.map((a) => a.cidr ?? a.address).slice(0, 16),
    });
  }
  const macOf = new Map(neighbours.map((n) => [n.ip, n.mac]));
  return {
    interfaces: interfaces.slice(0, 64),
    gateways: gateways
      .slice(0, 8)
      .map((g) => ({ ...g, ...(macOf.get(g.ip) ? { mac: macOf.get(g.ip)! } : {}) })),
    neighbours: neighbours
      .slice(0, TOPOLOGY_LIMITS.arp)
      .map((n) => ({ ip: n.ip, mac: n.mac, interface: n.interface })),
  };
}

/** Reads where the agent sits on its network (Linux: /proc/net/route and /proc/net/arp). */
export async function readAgentNetwork(): Promise<AgentNetworkFacts> {
  const [gateways, neighbours] = await Promise.all([readGateways(), readNeighbours()]);
  return agentNetworkOf(os.networkInterfaces(), gateways, neighbours);
}
