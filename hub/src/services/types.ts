import type { Server } from 'node:http';
import type { HubContext } from '../context.js';
import type { UpgradeRoutes } from '../net/upgrades.js';

/** The HTTP side a service may hook into. */
export interface ServiceHttp {
  server: Server;
  /** Where a service claims WebSocket upgrade paths (MQTT at /mqtt, the live view); others are refused. */
  upgrades: UpgradeRoutes;
}

export interface RunningService {
  stop(): Promise<void>;
}

/** A background part of the hub (broker, ingest, alert engine, retention). */
export interface Service {
  name: string;
  /**
   * Runs on one hub at a time (the leader, cluster/leadership.ts) when several hubs share a database: alert
   * evaluation and notification dispatch, retention, rollouts, scheduled discoveries. A lone hub leads.
   */
  singleton?: boolean;
  start(ctx: HubContext, http: ServiceHttp): Promise<RunningService>;
}
