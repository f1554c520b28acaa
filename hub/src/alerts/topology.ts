import type { Repositories } from '../store/port.js';
import type { DependencyFacts } from './dependencies.js';

type Parents = Map<number, number | null>;

/**
 * The engine's view of sites, agents and devices for dependencies and threshold scopes: loaded from the
 * database at start and kept current from hub events. A device's or camera's parent is its manual one
 * (an operator's choice) when set, else the one inferred from its site's topology (pinned or not).
 */
export class Topology implements DependencyFacts {
  readonly agents = new Map<string, { site_id: number; online: boolean; since: number; drained: boolean }>();
  /** Effective parents (manual, else inferred). */
  readonly deviceParent: Parents = new Map();
  readonly cameraParent: Parents = new Map();
  readonly deviceDown = new Set<number>();
  readonly deviceType = new Map<number, string>();
  readonly #manual = { device: new Map() as Parents, camera: new Map() as Parents };
  readonly #inferred = { device: new Map() as Parents, camera: new Map() as Parents };
  /** Which site each inferred parent came from, to replace a site's at once. */
  readonly #inferredSite = new Map<string, number>();

  constructor(
    private readonly store: Pick<Repositories, 'devices' | 'agents'> &
      Partial<Pick<Repositories, 'cameras' | 'sites' | 'topology'>>,
  ) {}

  async load(): Promise<void> {
    for (const d of await this.store.devices.links()) this.setDevice(d);
    for (const a of await this.store.agents.list()) {
      if (a.revoked_at !== null) continue;
      // Known before this start: not "just reconnected".
      this.agents.set(a.id, { site_id: a.site_id, online: a.status === 'online', since: 0, drained: false });
    }
    if (this.store.cameras && this.store.sites)
      for (const s of await this.store.sites.list())
        for (const c of await this.store.cameras.forSite(s.id)) this.setCamera(c.id, c.parent_id);
    await this.reloadInferred();
  }

  /** Re-reads the inferred parents (of one site, or all): the site's graph was rebuilt or a pin changed. */
  async reloadInferred(siteId?: number): Promise<void> {
    if (!this.store.topology) return;
    const rows = await this.store.topology.inferred(siteId);
    for (const [key, site] of this.#inferredSite) {
      if (siteId !== undefined && site !== siteId) continue;
      const [kind, id] = key.split(':') as ['device' | 'camera', string];
      this.#inferred[kind].delete(Number(id));
      this.#inferredSite.delete(key);
      this.#effective(kind, Number(id));
    }
    for (const r of rows) {
      this.#inferred[r.target_kind].set(r.target_id, r.parent_id);
      this.#inferredSite.set(`${r.target_kind}:${r.target_id}`, r.site_id);
      this.#effective(r.target_kind, r.target_id);
    }
  }

  async reloadDevice(id: number): Promise<void> {
    const d = await this.store.devices.get(id);
    if (d) this.setDevice(d);
    else {
      this.#manual.device.delete(id);
      this.#inferred.device.delete(id);
      this.deviceParent.delete(id);
      this.deviceDown.delete(id);
      this.deviceType.delete(id);
    }
  }

  async reloadCamera(id: number): Promise<void> {
    const c = await this.store.cameras?.get(id);
    if (c) this.setCamera(c.id, c.parent_id);
    else {
      this.#manual.camera.delete(id);
      this.#inferred.camera.delete(id);
      this.cameraParent.delete(id);
    }
  }

  deviceStatus(id: number, status: string): void {
    if (status === 'unreachable') this.deviceDown.add(id);
    else this.deviceDown.delete(id);
  }

  /** An agent came online or went offline; `buffered`: rows from before the connection it still has. */
  agentStatus(id: string, siteId: number, online: boolean, ts: number, buffered?: number): void {
    const cur = this.agents.get(id);
    if (cur && cur.online === online && cur.site_id === siteId) {
      if (online && buffered === 0) cur.drained = true;
      return;
    }
    this.agents.set(id, { site_id: siteId, online, since: ts, drained: online && buffered === 0 });
  }

  /** An online agent delivered everything it had buffered before connecting: the reconnect grace is over. */
  agentBuffered(id: string, buffered: number): void {
    const cur = this.agents.get(id);
    if (cur?.online && buffered === 0) cur.drained = true;
  }

  private setDevice(d: { id: number; parent_id: number | null; status: string; device_type: string }): void {
    this.#manual.device.set(d.id, d.parent_id);
    this.#effective('device', d.id);
    this.deviceType.set(d.id, d.device_type);
    this.deviceStatus(d.id, d.status);
  }

  private setCamera(id: number, parent: number | null): void {
    this.#manual.camera.set(id, parent);
    this.#effective('camera', id);
  }

  #effective(kind: 'device' | 'camera', id: number): void {
    const parent = this.#manual[kind].get(id) ?? this.#inferred[kind].get(id) ?? null;
    (kind === 'device' ? this.deviceParent : this.cameraParent).set(id, parent);
  }
}
