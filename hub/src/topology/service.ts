import type { AgentNetworkEventMessage, TopologyEventMessage } from '@outpost/protocol';
import type { Logger } from '../logger.js';
import type { HubStore } from '../store/port.js';
import type { InferredParentRow } from '../store/topology.js';
import { buildSiteGraph } from './graph.js';
import type { NodeKey, SiteGraph, SiteInventory, SiteLink } from './types.js';

export interface TopologyDevice {
  id: number;
  name: string;
  ip_address: string;
  mac_address: string | null;
  sys_name: string | null;
  device_type: string;
  status: string;
  /** The manual parent (an operator's choice): it wins over any inferred one. */
  parent_id: number | null;
}

export interface TopologyCamera {
  id: number;
  name: string;
  ip_address: string;
  mac_address: string | null;
  status: string;
  parent_id: number | null;
}

export interface TopologyDeps {
  store: Pick<HubStore, 'topology' | 'discovered'>;
  inventory(siteId: number): Promise<{ devices: TopologyDevice[]; cameras: TopologyCamera[] }>;
  /** Open alerts per device and camera of the site (`device:7` -> 2). */
  openAlerts(siteId: number): Promise<Map<string, number>>;
  /** A site's inferred parents changed: the alert engine reloads them. */
  parentsChanged(siteId: number): void;
  changed(siteId: number): void;
  clock(): number;
  logger: Logger;
  /** How long a burst of topology events waits before the site is recomputed (ms). */
  debounceMs?: number;
}

/** A node of the site map as the API shows it. */
export interface MapNode {
  key: NodeKey;
  kind: 'device' | 'camera' | 'agent';
  id: number | string;
  name: string;
  type?: string;
  ip?: string;
  mac?: string;
  status?: string;
  open_alerts: number;
  /** The node above it as the agent reaches it (manual, pinned or inferred parent; the agent for the first hop). */
  parent_key: NodeKey | null;
  parent_id: number | null;
  parent_source: 'manual' | 'pinned' | 'inferred' | null;
  evidence: string[];
}

export interface SiteMapView {
  site_id: number;
  root: { key: NodeKey; agent: string; evidence: string } | null;
  nodes: MapNode[];
  links: SiteLink[];
  unplaced: NodeKey[];
  /** Ranges of the agents' own links, to offer for discovery. */
  suggested_ranges: string[];
}

/**
 * Keeps each device's latest topology facts and each agent's network, rebuilds a site's graph when they change
 * (debounced), stores the inferred upstream parents (pinned ones stay) and serves the site map.
 */
export class TopologyService {
  readonly #timers = new Map<number, NodeJS.Timeout>();
  #running = new Map<number, Promise<void>>();
  #closed = false;

  constructor(private readonly d: TopologyDeps) {}

  /** Stores a device's facts (the newest win) and schedules its site's rebuild. */
  async recordDevice(siteId: number, e: TopologyEventMessage): Promise<void> {
    const { type: _t, device_id, ts, ...facts } = e;
    if (await this.d.store.topology.saveDevice(device_id, ts, JSON.stringify({ ts, ...facts })))
      this.schedule(siteId);
  }

  async recordAgent(siteId: number, agentId: string, e: AgentNetworkEventMessage): Promise<void> {
    const { type: _t, ts, ...facts } = e;
    if (await this.d.store.topology.saveAgent(agentId, ts, JSON.stringify({ ts, ...facts })))
      this.schedule(siteId);
  }

  /** Rebuilds the site soon (inventory or facts changed); bursts are folded into one rebuild. */
  schedule(siteId: number): void {
    if (this.#closed) return;
    clearTimeout(this.#timers.get(siteId));
    const t = setTimeout(() => {
      this.#timers.delete(siteId);
      this.recompute(siteId).catch((err) =>
        this.d.logger.error({ err, site_id: siteId }, 'rebuilding the site graph failed'),
      );
    }, this.d.debounceMs ?? 1_000);
    t.unref();
    this.#timers.set(siteId, t);
  }

  async #graph(
    siteId: number,
  ): Promise<{ graph: SiteGraph; inv: Awaited<ReturnType<TopologyDeps['inventory']>> }> {
    const [inv, facts, discovered] = await Promise.all([
      this.d.inventory(siteId),
      this.d.store.topology.forSite(siteId),
      this.d.store.discovered.list(siteId),
    ]);
    const knownMacs = new Map<string, string>();
    for (const r of discovered) {
      const mac = (JSON.parse(r.host) as { mac?: string }).mac;
      if (mac) knownMacs.set(r.ip, mac);
    }
    const site: SiteInventory = {
      devices: inv.devices,
      cameras: inv.cameras,
      topology: new Map(facts.devices.map((f) => [Number(f.key), JSON.parse(f.facts)])),
      agents: new Map(facts.agents.map((f) => [f.key, JSON.parse(f.facts)])),
      knownMacs,
    };
    return { graph: buildSiteGraph(site), inv };
  }

  /** Rebuilds the site's graph and stores its inferred parents; one rebuild per site at a time. */
  recompute(siteId: number): Promise<void> {
    const prev = this.#running.get(siteId) ?? Promise.resolve();
    const next = prev.then(async () => {
      const { graph } = await this.#graph(siteId);
      const rows: Omit<InferredParentRow, 'pinned' | 'site_id'>[] = [];
      for (const [key, p] of graph.parents) {
        const [kind, id] = key.split(':') as ['device' | 'camera', string];
        rows.push({
          target_kind: kind,
          target_id: Number(id),
          parent_id: p.parent,
          evidence: JSON.stringify({ evidence: p.evidence, path: p.path }),
          inferred_at: this.d.clock(),
        });
      }
      await this.d.store.topology.replaceInferred(siteId, rows, this.d.clock());
      this.d.parentsChanged(siteId);
      this.d.changed(siteId);
    });
    const tracked = next.finally(() => {
      if (this.#running.get(siteId) === tracked) this.#running.delete(siteId);
    });
    this.#running.set(siteId, tracked);
    return next;
  }

  /** The site map: nodes with their status, alerts and effective parent (manual, pinned or inferred), links. */
  async view(siteId: number): Promise<SiteMapView> {
    const [{ graph, inv }, inferred, alerts, facts] = await Promise.all([
      this.#graph(siteId),
      this.d.store.topology.inferred(siteId),
      this.d.openAlerts(siteId),
      this.d.store.topology.forSite(siteId),
    ]);
    const stored = new Map(inferred.map((r) => [`${r.target_kind}:${r.target_id}`, r]));
    const status = new Map<string, string>([
      ...inv.devices.map((d) => [`device:${d.id}`, d.status] as const),
      ...inv.cameras.map((c) => [`camera:${c.id}`, c.status] as const),
    ]);
    const manual = new Map<string, number | null>([
      ...inv.devices.map((d) => [`device:${d.id}`, d.parent_id] as const),
      ...inv.cameras.map((c) => [`camera:${c.id}`, c.parent_id] as const),
    ]);
    const root = graph.root
      ? {
          key: `agent:${graph.root.agent}` as NodeKey,
          agent: graph.root.agent,
          evidence: graph.root.evidence,
        }
      : null;
    const nodes: MapNode[] = graph.nodes.map((n) => {
      const base = {
        key: n.key,
        kind: n.kind,
        id: n.id,
        name: n.name,
        ...(n.type ? { type: n.type } : {}),
        ...(n.ip ? { ip: n.ip } : {}),
        ...(n.mac ? { mac: n.mac } : {}),
        ...(status.has(n.key)
          ? { status: status.get(n.key)! }
          : n.kind === 'agent'
            ? { status: 'online' }
            : {}),
        open_alerts: alerts.get(n.key) ?? 0,
      };
      if (n.kind === 'agent')
        return { ...base, parent_key: null, parent_id: null, parent_source: null, evidence: [] };
      const man = manual.get(n.key) ?? null;
      const inf = stored.get(n.key);
      const ev = inf ? (JSON.parse(inf.evidence) as { evidence: string[] }).evidence : [];
      if (man !== null)
        return {
          ...base,
          parent_key: `device:${man}` as NodeKey,
          parent_id: man,
          parent_source: 'manual' as const,
          evidence: ['set by an operator'],
        };
      if (inf)
        return {
          ...base,
          parent_key: inf.parent_id !== null ? (`device:${inf.parent_id}` as NodeKey) : (root?.key ?? null),
          parent_id: inf.parent_id,
          parent_source: inf.pinned ? ('pinned' as const) : ('inferred' as const),
          evidence: ev,
        };
      return { ...base, parent_key: null, parent_id: null, parent_source: null, evidence: [] };
    });
    const suggested = new Set<string>();
    for (const a of facts.agents)
      for (const i of (JSON.parse(a.facts) as { interfaces?: { addresses?: string[] }[] }).interfaces ?? [])
        for (const addr of i.addresses ?? []) {
          const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(addr);
          if (!m || addr.startsWith('127.') || addr.startsWith('169.254.')) continue;
          const prefix = Math.max(Number(m[2]), 22);
          const n = m[1]!.split('.').reduce((x, p) => x * 256 + Number(p), 0);
          const base = prefix === 0 ? 0 : (n & (~0 << (32 - prefix))) >>> 0;
          suggested.add(
            `${[base >>> 24, (base >>> 16) & 255, (base >>> 8) & 255, base & 255].join('.')}/${prefix}`,
          );
        }
    return {
      site_id: siteId,
      root,
      nodes,
      links: graph.links,
      unplaced: graph.unplaced,
      suggested_ranges: [...suggested],
    };
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
  }
}
