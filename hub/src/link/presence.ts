import type { StatusMessage } from '@outpost/protocol';
import type { Gauge } from 'prom-client';
import type { PresenceChange } from '../broker/bus.js';
import type { HubEvents } from '../events.js';
import type { Logger } from '../logger.js';
import type { AgentRepo } from '../store/agents.js';

/** How long after a connection closes the hub waits for the will before marking the agent offline itself. */
const WILL_GRACE_MS = 1000;

export interface PresenceDeps {
  agents: Pick<AgentRepo, 'list' | 'get' | 'updateStatus'>;
  events: Pick<HubEvents, 'emit'>;
  logger: Logger;
  clock: () => number;
  /** The gauge of agents connected to the broker (shared: the agents online, as the store has them). */
  connected: Pick<Gauge, 'set'>;
  /** How often agents republish `status`: offline after 2.5 x this without news. */
  heartbeatS: number;
  /**
   * Presence is shared with other hubs through the store: an external broker shows no connections and hands
   * each `status` to one hub of the group, so online/offline is read from and written to the agents' rows
   * (their `last_seen` moves with every status and batch, whichever hub stored it).
   */
  shared?: boolean;
}

/** How often a shared presence re-reads which agents are online (the sweep runs every second). */
const SHARED_SYNC_MS = 5000;

/**
 * Which agents are online. Online comes from the agent's `status`; offline from its will, a clean-shutdown
 * `status`, its broker connection closing, or no status/batch for 2.5 heartbeats. `onStatus` says when a
 * `status` is the first of its connection: the caller then publishes the site's config and pending jobs.
 */
export class Presence {
  /** Broker connections: agent id -> when the current one opened. */
  readonly #connections = new Map<string, number>();
  readonly #lastSeen = new Map<string, number>();
  readonly #online = new Set<string>();
  /** The connection (its open time) for which config and jobs were last sent. */
  readonly #servedConnection = new Map<string, number>();
  /** Offline checks waiting for the will after a connection closed. */
  readonly #pending = new Map<string, NodeJS.Timeout>();
  /** Rows buffered before the connection, as each online agent last reported them. */
  readonly #buffered = new Map<string, number>();
  #lastSync = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: PresenceDeps) {}

  /** Loads agents marked online by a previous run: they get 2.5 heartbeats to show up again. */
  async load(): Promise<void> {
    const now = this.deps.clock();
    for (const a of await this.deps.agents.list({ status: 'online' })) {
      this.#online.add(a.id);
      this.#lastSeen.set(a.id, now);
    }
  }

  isOnline(agentId: string): boolean {
    return this.#online.has(agentId);
  }

  /** When the agent's current broker connection opened (0 when unknown). */
  connectedAt(agentId: string): number {
    return this.#connections.get(agentId) ?? 0;
  }

  seen(agentId: string, ts: number): void {
    this.#lastSeen.set(agentId, ts);
  }

  onConnection(change: PresenceChange): void {
    const now = this.deps.clock();
    const id = change.agentId;
    if (change.connected) this.#connections.set(id, now);
    else {
      this.#connections.delete(id);
      // The will (or a shutdown status) follows the close and says why; without one, the close itself decides.
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        if (!this.#connections.has(id) && this.#online.has(id)) {
          this.#setOffline(id, 'disconnected', this.deps.clock()).catch((err) =>
            this.deps.logger.error({ err, agent: id }, 'marking an agent offline failed'),
          );
        }
      }, WILL_GRACE_MS);
      timer.unref();
      clearTimeout(this.#pending.get(id));
      this.#pending.set(id, timer);
    }
    this.deps.connected.set(this.#connections.size);
  }

  /** Cancels pending checks (the link is stopping). */
  stop(): void {
    for (const t of this.#pending.values()) clearTimeout(t);
    this.#pending.clear();
  }

  /** Applies a `status`; true when it is the first of the agent's connection (config and jobs are due). */
  async onStatus(agentId: string, msg: StatusMessage): Promise<boolean> {
    const now = this.deps.clock();
    const counters = {
      version: msg.version,
      hostname: msg.hostname,
      started_at: msg.started_at,
      config_version_applied: msg.config_version ?? null,
      backlog: msg.backlog,
      dropped: msg.dropped,
    };
    if (msg.state === 'offline') {
      // A will of a connection that another one has already replaced (takeover) says nothing about now.
      if (msg.reason === 'will' && this.#connections.has(agentId)) return false;
      const wasOnline = this.deps.shared
        ? (await this.deps.agents.get(agentId))?.status === 'online'
        : this.#online.has(agentId);
      this.#markOffline(agentId);
      await this.deps.agents.updateStatus(agentId, {
        status: 'offline',
        reason: msg.reason ?? 'shutdown',
        last_seen: now,
        ...counters,
      });
      if (wasOnline) await this.#emit(agentId, 'offline', msg.reason ?? 'shutdown', now);
      return false;
    }
    this.#lastSeen.set(agentId, now);
    // An agent older than `buffered` only says its backlog: the best upper bound there is.
    const buffered = msg.buffered ?? msg.backlog;
    // Shared: another hub may have seen it come online, or go offline; the row says.
    const cameOnline = this.deps.shared
      ? (await this.deps.agents.get(agentId))?.status !== 'online'
      : !this.#online.has(agentId);
    const bufferedChanged = !cameOnline && buffered !== undefined && buffered !== this.#buffered.get(agentId);
    if (cameOnline) this.#online.add(agentId);
    if (buffered !== undefined) this.#buffered.set(agentId, buffered);
    const connection = this.connectedAt(agentId);
    // Shared: no connection is visible, so config and jobs are due when the agent comes online (after its will
    // or a silence); a reconnect without either gets the retained config from the broker and jobs re-sent.
    const serve = this.deps.shared ? cameOnline : this.#servedConnection.get(agentId) !== connection;
    if (serve) this.#servedConnection.set(agentId, connection);
    if (this.deps.shared && !cameOnline) this.#online.add(agentId);
    await this.deps.agents.updateStatus(agentId, {
      status: 'online',
      reason: null,
      last_seen: now,
      ...counters,
    });
    if (cameOnline) await this.#emit(agentId, 'online', undefined, now, buffered);
    else if (bufferedChanged) {
      const agent = await this.deps.agents.get(agentId);
      if (agent)
        this.deps.events.emit('agent.buffered', {
          agent_id: agentId,
          site_id: agent.site_id,
          buffered: buffered as number,
          ts: now,
        });
    }
    return serve;
  }

  /** Marks agents silent for 2.5 heartbeats offline. */
  async sweep(now: number): Promise<void> {
    const limit = 2.5 * this.deps.heartbeatS * 1000;
    if (this.deps.shared && now - this.#lastSync >= SHARED_SYNC_MS) {
      this.#lastSync = now;
      await this.#sync(now, limit);
    }
    // Shared: this hub's own times miss what other hubs heard; only the store decides (in #sync).
    if (this.deps.shared) return;
    for (const id of [...this.#online]) {
      if (now - (this.#lastSeen.get(id) ?? 0) > limit) await this.#setOffline(id, 'heartbeat', now);
    }
  }

  /**
   * Shared: takes the online set from the store (agents another hub saw come online, or go offline) and marks
   * offline those whose row and this hub both heard nothing from for 2.5 heartbeats.
   */
  async #sync(now: number, limit: number): Promise<void> {
    const rows = await this.deps.agents.list({ status: 'online' });
    const online = new Set(rows.map((r) => r.id));
    for (const id of [...this.#online]) if (!online.has(id)) this.#markOffline(id);
    for (const row of rows) {
      const seen = Math.max(row.last_seen ?? 0, this.#lastSeen.get(row.id) ?? 0);
      this.#lastSeen.set(row.id, seen);
      this.#online.add(row.id);
      if (now - seen > limit) await this.#setOffline(row.id, 'heartbeat', now);
    }
    // No hub sees the agents' connections on an external broker: every hub reports the agents online.
    this.deps.connected.set(this.#online.size);
  }

  async markRevoked(agentId: string, now: number): Promise<void> {
    this.#connections.delete(agentId);
    this.#servedConnection.delete(agentId);
    if (this.#online.has(agentId)) {
      this.#markOffline(agentId);
      await this.#emit(agentId, 'offline', 'revoked', now);
    }
  }

  /** The in-memory part of going offline (done at once, before any write, so that no check sees it online). */
  #markOffline(agentId: string): void {
    this.#online.delete(agentId);
    this.#buffered.delete(agentId);
    this.#servedConnection.delete(agentId);
  }

  async #setOffline(agentId: string, reason: string, now: number): Promise<void> {
    this.#markOffline(agentId);
    await this.deps.agents.updateStatus(agentId, {
      status: 'offline',
      reason,
      last_seen: this.#lastSeen.get(agentId) ?? now,
    });
    await this.#emit(agentId, 'offline', reason, now);
  }

  async #emit(
    agentId: string,
    state: 'online' | 'offline',
    reason: string | undefined,
    ts: number,
    buffered?: number,
  ): Promise<void> {
    const agent = await this.deps.agents.get(agentId);
    if (!agent) return;
    this.deps.events.emit('agent.status', {
      agent_id: agentId,
      site_id: agent.site_id,
      state,
      ...(reason ? { reason } : {}),
      ...(buffered !== undefined ? { buffered } : {}),
      ts,
    });
  }
}
