import type { Repositories } from '../store/port.js';
import type { DependencyFacts } from './dependencies.js';

/**
 * The engine's view of sites, agents and devices for dependencies and threshold scopes: loaded from the
 * database at start and kept current from hub events.
 */
export class Topology implements DependencyFacts {
  readonly agents = new Map<string, { site_id: number; online: boolean; since: number; drained: boolean }>();
  readonly deviceParent = new Map<number, number | null>();
  readonly deviceDown = new Set<number>();
  readonly deviceType = new Map<number, string>();

  constructor(private readonly store: Pick<Repositories, 'devices' | 'agents'>) {}

  async load(): Promise<void> {
    for (const d of await this.store.devices.links()) this.setDevice(d);
    for (const a of await this.store.agents.list()) {
      if (a.revoked_at !== null) continue;
      // Known before this start: not "just reconnected".
      this.agents.set(a.id, { site_id: a.site_id, online: a.status === 'online', since: 0, drained: false });
    }
  }

  async reloadDevice(id: number): Promise<void> {
    const d = await this.store.devices.get(id);
    if (d) this.setDevice(d);
    else {
      this.deviceParent.delete(id);
      this.deviceDown.delete(id);
      this.deviceType.delete(id);
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
    this.deviceParent.set(d.id, d.parent_id);
    this.deviceType.set(d.id, d.device_type);
    this.deviceStatus(d.id, d.status);
  }
}
