import type { Server } from 'node:http';
import type { HubContext } from '../context.js';

/** The HTTP side a service may hook into (e.g. `server.on('upgrade')` for MQTT over WebSocket at /mqtt). */
export interface ServiceHttp {
  server: Server;
}

export interface RunningService {
  stop(): Promise<void>;
}

/** A background part of the hub (broker, ingest, alert engine, retention). */
export interface Service {
  name: string;
  start(ctx: HubContext, http: ServiceHttp): Promise<RunningService>;
}
