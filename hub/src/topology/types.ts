import type { AgentNetworkEventMessage, TopologyEventMessage } from '@outpost/protocol';

/** A node of a site's map: a device, a camera, or the site's agent itself. */
export type NodeKey = `device:${number}` | `camera:${number}` | `agent:${string}`;

export interface SiteInventory {
  devices: readonly {
    id: number;
    name: string;
    ip_address: string;
    mac_address: string | null;
    sys_name: string | null;
    device_type: string;
  }[];
  cameras: readonly { id: number; name: string; ip_address: string; mac_address: string | null }[];
  /** The latest `topology` facts of each device that sent some. */
  topology: ReadonlyMap<number, Omit<TopologyEventMessage, 'type' | 'device_id'>>;
  /** The latest `agent_network` of each of the site's agents. */
  agents: ReadonlyMap<string, Omit<AgentNetworkEventMessage, 'type'>>;
  /** IP -> MAC learnt elsewhere (discovery's neighbour tables). */
  knownMacs?: ReadonlyMap<string, string>;
}

/** A link between two nodes, at a port on each end when known. */
export interface SiteLink {
  a: NodeKey;
  a_port?: string;
  b: NodeKey;
  b_port?: string;
  /** What showed it: an LLDP or CDP neighbour, or a MAC learnt on a switch port. */
  source: 'lldp' | 'cdp' | 'fdb';
  evidence: string;
}

export interface SiteNode {
  key: NodeKey;
  kind: 'device' | 'camera' | 'agent';
  id: number | string;
  name: string;
  type?: string;
  ip?: string;
  mac?: string;
}

/** The upstream parent of a device or camera, as seen from the agent, and why. */
export interface InferredParent {
  /** A device, or null when the node sits right at the agent's port (nothing between them). */
  parent: number | null;
  /** The nodes from the agent down to this one. */
  path: NodeKey[];
  evidence: string[];
}

export interface SiteGraph {
  nodes: SiteNode[];
  links: SiteLink[];
  /** Where the agent sits, and why we think so (null when unknown: no parents are inferred then). */
  root: { agent: string; evidence: string } | null;
  parents: Map<NodeKey, InferredParent>;
  /** Nodes with no path to the agent in the graph. */
  unplaced: NodeKey[];
}
