import { EventEmitter } from 'node:events';
import type { AgentEvent, Sample } from '@outpost/protocol';

/**
 * Everything that happens inside the hub, for the parts that react to it (alert engine, config push, the SSE
 * stream). Emitted after the change is committed to the database, never before.
 */
export interface HubEventMap {
  /** A device's status changed (or was first set). */
  'device.status': {
    device_id: number;
    site_id: number;
    status: string;
    previous: string;
    error?: string;
    /** `checks`: a device without SNMP, whose status follows its checks (up while one of them is up). */
    via?: 'checks';
    ts: number;
  };
  /** A check's status changed (or was first reported). */
  'check.status': {
    check_id: number;
    device_id: number;
    site_id: number;
    name: string;
    /** icmp, tcp, http, dns, ... */
    check_kind: string;
    status: 'up' | 'down';
    previous: string;
    error?: string;
    ts: number;
  };
  /** A device reported an uptime lower than before: it rebooted. */
  'device.rebooted': {
    device_id: number;
    site_id: number;
    uptime_s: number;
    previous_uptime_s: number;
    ts: number;
  };
  /** A camera's status changed (or was first set). */
  'camera.status': {
    camera_id: number;
    site_id: number;
    status: string;
    previous: string;
    reason?: string;
    ts: number;
  };
  /** An agent came online or went offline (will, shutdown, missed heartbeats or revocation). */
  'agent.status': {
    agent_id: string;
    site_id: number;
    state: 'online' | 'offline';
    reason?: string;
    /**
     * Online: rows the agent wrote before this connection and has not delivered yet (its status' `buffered`,
     * or `backlog` from an agent that does not send it).
     */
    buffered?: number;
    ts: number;
  };
  /** An online agent's `status` reported another count of rows buffered before its connection. */
  'agent.buffered': { agent_id: string; site_id: number; buffered: number; ts: number };
  /** Samples of one batch, after they are stored. */
  samples: { agent_id: string; site_id: number; samples: Sample[] };
  /** Events of one batch other than device/camera state (buffer_drop, error, lifecycle, ...), after storing. */
  'agent.event': { agent_id: string; site_id: number; event: AgentEvent };
  /** A site (or its trap settings or custom OIDs), device, camera or check was created, updated or deleted. */
  'inventory.changed': {
    site_id: number;
    kind: 'site' | 'device' | 'camera' | 'check';
    id: number;
    change: 'created' | 'updated' | 'deleted';
  };
  /**
   * A site's inferred upstream parents were rebuilt, or one was pinned or unpinned: the alert engine re-reads
   * them (manual parents come with `inventory.changed`).
   */
  'dependencies.changed': { site_id: number };
  /** A site's discovered list or topology map changed (the dashboard reloads them). */
  'topology.changed': { site_id: number; what: 'discovered' | 'map' };
  /** An agent reported a result for a job, running or final (services that read job results listen here). */
  'job.result': { job_id: string; type: string; site_id: number | null; result: unknown };
  /** An alert was created or changed. `alert` is the API representation. */
  'alert.changed': {
    change: 'created' | 'updated' | 'resolved' | 'acknowledged' | 'deleted';
    alert: Record<string, unknown>;
  };
  /**
   * A user was disabled, deleted, or changed their password (or had it changed): whatever they opened with an
   * older token (event streams, live views) must end.
   */
  'user.changed': { user_id: number; change: 'disabled' | 'deleted' | 'password' | 'role' | 'scope' };
  /**
   * A rollout was created or changed: by the API (`by: 'api'`, the rollout service then runs at once) or as it
   * progressed (`by: 'engine'`).
   */
  'rollout.changed': { rollout_id: number; by: 'api' | 'engine' };
  /** A job changed state or logged lines. `job` is the API representation. */
  'job.changed': { job: Record<string, unknown>; logs?: { ts: number; level: string; line: string }[] };
}

export type HubEventName = keyof HubEventMap;

/** Where a listener's events come from. */
export interface ListenOptions {
  /**
   * Only events that happened in this hub process. By default a listener also gets the events other hubs
   * relay (several hubs on one database, cluster/relay.ts): the SSE stream and the singletons want those; a
   * listener doing per-hub work for a change made here (a config push, storing a job's result) does not.
   */
  local?: boolean;
}

/**
 * A typed EventEmitter for HubEventMap. A throwing listener is logged by the emitter's owner, never fatal.
 * Events emitted here go to every listener and to the relay (other hubs); events another hub relayed come in
 * through `emitRemote` and reach only the listeners that did not ask for local events.
 */
export class HubEvents {
  private readonly emitter = new EventEmitter();
  private readonly localOnly = new EventEmitter();
  #relay: (<K extends HubEventName>(name: K, payload: HubEventMap[K]) => void) | undefined;

  constructor(private readonly onListenerError: (name: string, err: unknown) => void = () => {}) {
    this.emitter.setMaxListeners(1000);
    this.localOnly.setMaxListeners(1000);
  }

  emit<K extends HubEventName>(name: K, payload: HubEventMap[K]): void {
    this.#deliver(this.localOnly, name, payload);
    this.#deliver(this.emitter, name, payload);
    this.#relay?.(name, payload);
  }

  /** An event another hub emitted (the relay calls this): listeners of local events do not get it. */
  emitRemote<K extends HubEventName>(name: K, payload: HubEventMap[K]): void {
    this.#deliver(this.emitter, name, payload);
  }

  /** Sends every event emitted from now on to `relay` as well (one relay at a time); returns the undo. */
  relayTo(relay: <K extends HubEventName>(name: K, payload: HubEventMap[K]) => void): () => void {
    this.#relay = relay;
    return () => {
      if (this.#relay === relay) this.#relay = undefined;
    };
  }

  #deliver<K extends HubEventName>(to: EventEmitter, name: K, payload: HubEventMap[K]): void {
    for (const listener of to.listeners(name)) {
      try {
        (listener as (p: HubEventMap[K]) => void)(payload);
      } catch (err) {
        this.onListenerError(name, err);
      }
    }
  }

  on<K extends HubEventName>(
    name: K,
    listener: (payload: HubEventMap[K]) => void,
    opts: ListenOptions = {},
  ): () => void {
    const to = opts.local ? this.localOnly : this.emitter;
    to.on(name, listener);
    return () => to.off(name, listener);
  }
}
