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

/** A typed EventEmitter for HubEventMap. A throwing listener is logged by the emitter's owner, never fatal. */
export class HubEvents {
  private readonly emitter = new EventEmitter();

  constructor(private readonly onListenerError: (name: string, err: unknown) => void = () => {}) {
    this.emitter.setMaxListeners(1000);
  }

  emit<K extends HubEventName>(name: K, payload: HubEventMap[K]): void {
    for (const listener of this.emitter.listeners(name)) {
      try {
        (listener as (p: HubEventMap[K]) => void)(payload);
      } catch (err) {
        this.onListenerError(name, err);
      }
    }
  }

  on<K extends HubEventName>(name: K, listener: (payload: HubEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
