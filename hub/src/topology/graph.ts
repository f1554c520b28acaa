import type { InferredParent, NodeKey, SiteGraph, SiteInventory, SiteLink, SiteNode } from './types.js';

const norm = (name: string) => name.trim().toLowerCase().replace(/\..*$/, '');

/** Where a MAC was learnt: a switch's port, with how many MACs that port learnt (fewer: closer to the host). */
interface Sighting {
  sw: NodeKey;
  port: string;
  macsOnPort: number;
}

/**
 * Builds a site's map from its inventory and the latest topology facts, and infers each node's upstream parent:
 * the next node on the path from the agent (its switch port, found by its MAC in the forwarding tables, else its
 * default gateway) to it. Links come from LLDP and CDP neighbours matched to known nodes (by chassis MAC,
 * management address or system name); a node with no such link is placed at the access port where its MAC is
 * learnt (the port of all those that learnt it with the fewest MACs and no switch behind it). Pure.
 */
export function buildSiteGraph(inv: SiteInventory): SiteGraph {
  const nodes = new Map<NodeKey, SiteNode>();
  const macOwner = new Map<string, NodeKey>();
  const ipOwner = new Map<string, NodeKey>();
  const nameOwner = new Map<string, NodeKey>();
  const ipToMac = new Map<string, string>(inv.knownMacs ?? []);
  for (const t of inv.topology.values())
    for (const a of t.arp) if (!ipToMac.has(a.ip)) ipToMac.set(a.ip, a.mac);
  for (const n of inv.agents.values())
    for (const a of n.neighbours) if (!ipToMac.has(a.ip)) ipToMac.set(a.ip, a.mac);

  for (const d of inv.devices) {
    const key: NodeKey = `device:${d.id}`;
    const mac = d.mac_address ?? ipToMac.get(d.ip_address);
    nodes.set(key, {
      key,
      kind: 'device',
      id: d.id,
      name: d.name,
      type: d.device_type,
      ip: d.ip_address,
      ...(mac ? { mac } : {}),
    });
    ipOwner.set(d.ip_address, key);
    if (mac) macOwner.set(mac, key);
    if (d.sys_name) nameOwner.set(norm(d.sys_name), key);
    nameOwner.set(norm(d.name), nameOwner.get(norm(d.name)) ?? key);
    const t = inv.topology.get(d.id);
    if (t) {
      for (const i of t.interfaces) if (i.mac) macOwner.set(i.mac, key);
      if (t.bridge_mac) macOwner.set(t.bridge_mac, key);
      if (t.chassis_id) {
        macOwner.set(t.chassis_id.toLowerCase(), key);
        nameOwner.set(norm(t.chassis_id), nameOwner.get(norm(t.chassis_id)) ?? key);
      }
    }
  }
  for (const c of inv.cameras) {
    const key: NodeKey = `camera:${c.id}`;
    const mac = c.mac_address ?? ipToMac.get(c.ip_address);
    nodes.set(key, {
      key,
      kind: 'camera',
      id: c.id,
      name: c.name,
      type: 'camera',
      ip: c.ip_address,
      ...(mac ? { mac } : {}),
    });
    if (!ipOwner.has(c.ip_address)) ipOwner.set(c.ip_address, key);
    if (mac && !macOwner.has(mac)) macOwner.set(mac, key);
  }
  const agentMacs = new Map<string, Set<string>>();
  for (const [id, n] of inv.agents) {
    const key: NodeKey = `agent:${id}`;
    nodes.set(key, { key, kind: 'agent', id, name: `agent ${id}`, type: 'agent' });
    const macs = new Set(n.interfaces.flatMap((i) => (i.mac ? [i.mac] : [])));
    agentMacs.set(id, macs);
    for (const m of macs) if (!macOwner.has(m)) macOwner.set(m, key);
  }
  const label = (k: NodeKey) => nodes.get(k)?.name ?? k;

  // LLDP / CDP links.
  const links: SiteLink[] = [];
  const linked = new Map<NodeKey, Set<string>>(); // node -> its ports with a neighbour that is a known node
  const linkKey = new Map<string, SiteLink>();
  const portName = (dev: number, ifIndex?: number, fallback?: string) =>
    inv.topology.get(dev)?.interfaces.find((i) => i.index === ifIndex)?.name ?? fallback;
  for (const [devId, t] of inv.topology) {
    const a: NodeKey = `device:${devId}`;
    if (!nodes.has(a)) continue;
    for (const n of t.neighbours) {
      const b =
        (n.chassis_id && macOwner.get(n.chassis_id.toLowerCase())) ||
        (n.mgmt_ip && ipOwner.get(n.mgmt_ip)) ||
        (n.sys_name && nameOwner.get(norm(n.sys_name))) ||
        (n.chassis_id && nameOwner.get(norm(n.chassis_id)));
      if (!b || b === a) continue;
      const aPort = portName(devId, n.local_if, n.local_port);
      const bPort = n.port_descr || n.port_id;
      const pair = [a, b].sort().join('|');
      const existing = linkKey.get(pair);
      if (existing) {
        // Seen from the other end too: fill in this end's port.
        if (existing.b === a && !existing.b_port && aPort) existing.b_port = aPort;
        if (existing.a === a && !existing.a_port && aPort) existing.a_port = aPort;
      } else {
        const link: SiteLink = {
          a,
          ...(aPort ? { a_port: aPort } : {}),
          b,
          ...(bPort ? { b_port: bPort } : {}),
          source: n.protocol,
          evidence: `${n.protocol.toUpperCase()}: ${label(a)} ${aPort ?? '?'} sees ${label(b)}${bPort ? ` ${bPort}` : ''}`,
        };
        links.push(link);
        linkKey.set(pair, link);
      }
      if (aPort) (linked.get(a) ?? linked.set(a, new Set()).get(a)!).add(aPort);
    }
  }

  // Forwarding tables: where each MAC is learnt, and which ports face another switch.
  const sightings = new Map<string, Sighting[]>();
  const switchPorts = new Map<string, Set<string>>(); // "sw|port" -> MACs
  for (const [devId, t] of inv.topology) {
    const sw: NodeKey = `device:${devId}`;
    const perPort = new Map<string, string[]>();
    for (const e of t.fdb) {
      const port = portName(
        devId,
        e.if_index,
        e.bridge_port !== undefined ? `bridge port ${e.bridge_port}` : undefined,
      );
      if (!port) continue;
      const list = perPort.get(port) ?? [];
      list.push(e.mac);
      perPort.set(port, list);
    }
    for (const [port, macs] of perPort) {
      switchPorts.set(`${sw}|${port}`, new Set(macs));
      for (const mac of macs) {
        const s = sightings.get(mac) ?? [];
        s.push({ sw, port, macsOnPort: macs.length });
        sightings.set(mac, s);
      }
    }
  }
  const isBridge = (k: NodeKey) =>
    k.startsWith('device:') && inv.topology.get(Number(k.slice(7)))?.fdb.length;
  /** A port is an uplink when a known switch sits behind it (its MAC learnt there, or LLDP says so). */
  const uplink = (s: Sighting) => {
    const macs = switchPorts.get(`${s.sw}|${s.port}`) ?? new Set();
    for (const m of macs) {
      const owner = macOwner.get(m);
      if (owner && owner !== s.sw && isBridge(owner)) return true;
    }
    return linked.get(s.sw)?.has(s.port) ?? false;
  };
  const attach = (key: NodeKey, macs: Iterable<string>): Sighting | undefined => {
    let best: Sighting | undefined;
    for (const mac of macs)
      for (const s of sightings.get(mac) ?? []) {
        if (s.sw === key) continue;
        const better =
          !best ||
          Number(uplink(best)) - Number(uplink(s)) > 0 ||
          (uplink(best) === uplink(s) && s.macsOnPort < best.macsOnPort);
        if (better) best = s;
      }
    return best;
  };
  /** The device at the other end of a switch port's LLDP/CDP link, if any. */
  const across = (s: Sighting): NodeKey | undefined => {
    for (const l of links) {
      if (l.source === 'fdb') continue;
      if (l.a === s.sw && l.a_port === s.port && l.b.startsWith('device:')) return l.b;
      if (l.b === s.sw && l.b_port === s.port && l.a.startsWith('device:')) return l.a;
    }
    return undefined;
  };
  const hasLink = (k: NodeKey) => links.some((l) => l.a === k || l.b === k);
  for (const node of nodes.values()) {
    if (node.kind === 'agent') continue;
    // A switch with LLDP links is placed by them; an end host (or a switch without LLDP) by its MAC.
    if (hasLink(node.key) && isBridge(node.key)) continue;
    const macs = new Set<string>();
    for (const [m, owner] of macOwner) if (owner === node.key) macs.add(m);
    if (node.mac) macs.add(node.mac);
    const s = attach(node.key, macs);
    if (!s) continue;
    const pair = [s.sw, node.key].sort().join('|');
    if (linkKey.has(pair)) continue;
    const link: SiteLink = {
      a: s.sw,
      a_port: s.port,
      b: node.key,
      source: 'fdb',
      evidence: `MAC ${node.mac ?? [...macs][0]} learnt on ${label(s.sw)} ${s.port} (${s.macsOnPort} MAC${s.macsOnPort === 1 ? '' : 's'} on that port)`,
    };
    links.push(link);
    linkKey.set(pair, link);
  }

  // The agent's position: its MAC on a switch port, else its default gateway.
  let root: SiteGraph['root'] = null;
  for (const [id, n] of inv.agents) {
    const key: NodeKey = `agent:${id}`;
    const s = attach(key, agentMacs.get(id) ?? []);
    // Seen only on a switch's uplink whose switch beyond has not reported its tables yet: the agent is behind
    // that switch (placing it at the uplink would turn the tree upside down until the other tables arrive).
    const beyond = s && uplink(s) ? across(s) : undefined;
    if (s && beyond && !inv.topology.has(Number(beyond.slice(7)))) {
      links.push({
        a: beyond,
        b: key,
        source: 'fdb',
        evidence: `the agent's MAC learnt on ${label(s.sw)} ${s.port}, the uplink to ${label(beyond)}`,
      });
      root = {
        agent: id,
        evidence: `the agent's MAC is learnt on ${label(s.sw)} ${s.port}, the uplink to ${label(beyond)} (whose tables are not in yet)`,
      };
      break;
    }
    if (s) {
      links.push({
        a: s.sw,
        a_port: s.port,
        b: key,
        source: 'fdb',
        evidence: `the agent's MAC learnt on ${label(s.sw)} ${s.port}`,
      });
      root = { agent: id, evidence: `the agent's MAC is learnt on ${label(s.sw)} ${s.port}` };
      break;
    }
    const gw = n.gateways.map((g) => ipOwner.get(g.ip)).find((k) => k?.startsWith('device:'));
    if (gw) {
      links.push({ a: gw, b: key, source: 'fdb', evidence: `${label(gw)} is the agent's default gateway` });
      root = { agent: id, evidence: `the agent's default gateway is ${label(gw)}` };
      break;
    }
  }

  // Parents: breadth-first from the agent.
  const adjacency = new Map<NodeKey, { to: NodeKey; link: SiteLink }[]>();
  for (const l of links) {
    adjacency.set(l.a, [...(adjacency.get(l.a) ?? []), { to: l.b, link: l }]);
    adjacency.set(l.b, [...(adjacency.get(l.b) ?? []), { to: l.a, link: l }]);
  }
  const parents = new Map<NodeKey, InferredParent>();
  const unplaced: NodeKey[] = [];
  if (root) {
    const start: NodeKey = `agent:${root.agent}`;
    const via = new Map<NodeKey, { from: NodeKey; link: SiteLink }>();
    const seen = new Set<NodeKey>([start]);
    const queue: NodeKey[] = [start];
    while (queue.length > 0) {
      const cur = queue.shift()!;
      // Cameras and agents are leaves: nothing is reached through them.
      if (cur !== start && !cur.startsWith('device:')) continue;
      const next = [...(adjacency.get(cur) ?? [])].sort(
        (x, y) => rank(x.link) - rank(y.link) || x.to.localeCompare(y.to),
      );
      for (const { to, link } of next) {
        if (seen.has(to) || to.startsWith('agent:')) continue;
        seen.add(to);
        via.set(to, { from: cur, link });
        queue.push(to);
      }
    }
    for (const key of nodes.keys()) {
      if (key.startsWith('agent:')) continue;
      const v = via.get(key);
      if (!v) {
        unplaced.push(key);
        continue;
      }
      const path: NodeKey[] = [key];
      for (let p = via.get(key); p; p = via.get(p.from)) path.unshift(p.from);
      const parent = v.from.startsWith('device:') ? Number(v.from.slice(7)) : null;
      parents.set(key, {
        parent,
        path,
        evidence: [v.link.evidence, `path from the agent: ${path.map(label).join(' -> ')}`, root.evidence],
      });
    }
  } else for (const key of nodes.keys()) if (!key.startsWith('agent:')) unplaced.push(key);

  return { nodes: [...nodes.values()], links, root, parents, unplaced };
}

/** LLDP and CDP links are walked before forwarding-table ones: they name both ends. */
function rank(l: SiteLink): number {
  return l.source === 'fdb' ? 1 : 0;
}
