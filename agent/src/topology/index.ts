import type { DeviceConfig } from '@outpost/protocol';
import type { Poller } from '../runtime/types.js';
import { TOPOLOGY_SCALARS, TOPOLOGY_WALKS, type TopologyWalk } from './mibs.js';
import { parseTopology, type TopologyFacts } from './parse.js';

export { readAgentNetwork } from './agent-network.js';
export { macOf, parseTopology, type TopologyFacts, type TopologyInput } from './parse.js';

/** Rows read per table at most: a bit over what an event carries, so that a cut is noticed. */
const MAX_ROWS = 8_192;

/** Reads a device's interfaces, LLDP, CDP, forwarding and ARP tables and parses them (rejects when it is silent). */
export async function readTopology(
  poller: Required<Pick<Poller, 'tables'>>,
  device: DeviceConfig,
  signal?: AbortSignal,
): Promise<TopologyFacts> {
  const raw = await poller.tables(device, {
    scalars: TOPOLOGY_SCALARS,
    walks: TOPOLOGY_WALKS,
    maxRows: MAX_ROWS,
    ...(signal ? { signal } : {}),
  });
  return parseTopology({
    scalars: raw.scalars,
    walks: raw.walks as Map<TopologyWalk, typeof raw.walks extends Map<string, infer V> ? V : never>,
    truncated: raw.truncated,
    errors: raw.errors,
  });
}
