import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './api/app.js';
import type { ApiApp } from './api/types.js';
import { ensureInitialAdmin } from './auth/first-run.js';
import { AedesBus } from './broker/aedes-bus.js';
import { openExternalBroker } from './broker/external.js';
import { type Cluster, startCluster } from './cluster/index.js';
import { openTimeSeries, type TimeSeriesClaim } from './cluster/time-series.js';
import type { HubConfig } from './config.js';
import { type ContextOptions, createContext, type HubContext } from './context.js';
import { AgentSites } from './link/agent-sites.js';
import { ConfigPush } from './link/config-push.js';
import { JobDispatcher } from './link/jobs.js';
import { createLinkMetrics } from './link/metrics.js';
import { DEFAULT_LINK_OPTIONS, type LinkOptions } from './link/options.js';
import { type LinkParts, ListeningPorts } from './link/parts.js';
import { Presence } from './link/presence.js';
import { Revocation } from './link/revocation.js';
import { AgentSender } from './link/sender.js';
import { siteNetworks } from './net/site-networks.js';
import { UpgradeRoutes } from './net/upgrades.js';
import { createOnboarding } from './onboarding/onboarding.js';
import { createLiveRelay } from './services/camera-live.js';
import { hubServices, type ServiceParts, startServices } from './services/index.js';

/** The port is taken: the message is one line naming the port and how to change it. */
export class PortInUseError extends Error {
  readonly code = 'port_in_use';
}

export interface RunningHub {
  ctx: HubContext;
  /** The running units the hub was composed of (the agent link, onboarding, the live relay). */
  parts: ServiceParts;
  app: ApiApp;
  httpServer: Server;
  /** `http://host:port` actually bound (port 0 resolved). */
  url: string;
  /** Stops services (reverse order), the HTTP server, then closes the store. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions extends ContextOptions {
  /** Called once with the generated first admin password (the CLI prints it). */
  onInitialPassword?: (password: string, file: string) => void;
  /**
   * Called when the hub can no longer run correctly: it lost the lock of PostgreSQL's built-in time-series store
   * (it writes no samples from then on). `serve` stops with exit code 1, so that a restart rebuilds its state.
   */
  onFatal?: (err: Error) => void;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(
          new PortInUseError(
            `HTTP port ${port} on ${host} is already in use; choose another with --http-port or OUTPOST_HTTP_PORT`,
          ),
        );
      } else if (err.code === 'EACCES') {
        reject(
          new PortInUseError(
            `not allowed to listen on HTTP port ${port}; choose another with --http-port or OUTPOST_HTTP_PORT`,
          ),
        );
      } else {
        reject(new Error(`cannot listen on ${host}:${port}: ${err.message}`, { cause: err }));
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** The HTTP port over TLS (httpTlsCert and httpTlsKey, PEM files): one line naming what is missing or unreadable. */
function httpsServer(app: ApiApp, config: HubConfig): Server {
  if (!config.httpTlsCert || !config.httpTlsKey)
    throw new Error('HTTPS needs both httpTlsCert and httpTlsKey (PEM files)');
  const read = (key: 'httpTlsCert' | 'httpTlsKey') => {
    try {
      return readFileSync(config[key] as string);
    } catch (err) {
      throw new Error(`${key}: cannot read ${config[key]}: ${(err as Error).message}`);
    }
  };
  return createAdaptorServer({
    fetch: app.fetch,
    createServer: createHttpsServer,
    serverOptions: { cert: read('httpTlsCert'), key: read('httpTlsKey'), minVersion: 'TLSv1.2' },
  }) as Server;
}

/**
 * The hub <-> agent link as units, each given what it uses: the bus (the embedded broker, not listening yet, or
 * the hub's connection to an external broker),
 * the agents' sites, the sender, presence, config push, jobs and revocation.
 */
async function composeLink(ctx: HubContext): Promise<LinkParts> {
  const { config, store, logger, events, clock } = ctx;
  const metrics = createLinkMetrics(ctx.metrics);
  const options: LinkOptions = {
    ...DEFAULT_LINK_OPTIONS,
    heartbeatS: config.agentHeartbeatS,
    jobQueueTimeoutS: config.jobQueueTimeoutS,
    topologyIntervalS: config.topologyIntervalS,
    traps: {
      enabled: config.agentTrapsEnabled,
      port: config.agentTrapsPort,
      ...(config.agentTrapsCommunity ? { community: config.agentTrapsCommunity } : {}),
    },
  };
  const bus = config.brokerUrl
    ? await openExternalBroker(config, logger)
    : await AedesBus.create({
        agents: store.agents,
        logger,
        connectTimeoutMs: config.mqttConnectTimeoutS * 1000,
        counters: {
          authFailure: (reason) => metrics.authFailures.inc({ reason }),
          aclDenied: (kind) => metrics.aclDenied.inc({ kind }),
        },
      });
  const sites = new AgentSites(store.agents);
  const sender = new AgentSender(bus);
  const presence = new Presence({
    agents: store.agents,
    events,
    logger,
    clock,
    connected: metrics.connected,
    heartbeatS: options.heartbeatS,
    shared: config.brokerUrl !== undefined,
  });
  const configPush = new ConfigPush({
    store,
    secrets: ctx.secrets,
    sites,
    sender,
    logger,
    clock,
    options,
    networks: siteNetworks(config),
  });
  const jobs = new JobDispatcher({
    store,
    presence,
    sender,
    events,
    logger,
    clock,
    finished: metrics.jobs,
    queueTimeoutS: options.jobQueueTimeoutS,
    resendMs: options.jobResendMs,
  });
  const revocation = new Revocation({ agents: store.agents, sites, bus, presence, clock });
  return {
    bus,
    metrics,
    options,
    sites,
    sender,
    presence,
    configPush,
    jobs,
    revocation,
    ports: new ListeningPorts(),
  };
}

/** Opens the data directory, creates the first admin if needed, serves HTTP and starts every service. */
export async function startHub(config: HubConfig, opts: StartOptions = {}): Promise<RunningHub> {
  const ctx = await createContext(config, opts);
  // First, before anything is written or served: the time series, and on PostgreSQL whether this hub may run
  // beside the others at all (one writer of the built-in store, or hubs that all use a TSDB).
  let timeSeries: TimeSeriesClaim;
  try {
    timeSeries = await openTimeSeries(ctx, (err) => opts.onFatal?.(err));
  } catch (err) {
    await ctx.store.close();
    throw err;
  }
  const closeStore = async () => {
    await ctx.store.close();
    await timeSeries.release();
  };
  try {
    const admin = await ensureInitialAdmin(ctx);
    if (admin.created && admin.password && admin.file) opts.onInitialPassword?.(admin.password, admin.file);
  } catch (err) {
    await closeStore();
    throw err;
  }
  let link: LinkParts;
  try {
    link = await composeLink(ctx);
  } catch (err) {
    await closeStore();
    throw err;
  }
  const release = async () => {
    await link.bus.close();
    await closeStore();
  };
  const parts: ServiceParts = {
    link,
    onboarding: createOnboarding(ctx, { jobs: link.jobs }),
    liveRelay: createLiveRelay(ctx, link.jobs),
  };
  const app = createApp(ctx, undefined, { link, onboarding: parts.onboarding });
  let httpServer: Server;
  const tls = config.httpTlsCert !== undefined || config.httpTlsKey !== undefined;
  try {
    httpServer = tls ? httpsServer(app, config) : (createAdaptorServer({ fetch: app.fetch }) as Server);
  } catch (err) {
    await release();
    throw err;
  }
  // Bounded connections: over the cap a new one is closed at accept; a silent one goes after the idle timeout
  // (upgraded WebSockets clear it). Node would otherwise keep a connection that never sends a byte forever.
  httpServer.maxConnections = config.httpMaxConnections;
  httpServer.setTimeout(config.httpIdleTimeoutS * 1000);
  try {
    await listen(httpServer, config.httpPort, config.host);
  } catch (err) {
    await release();
    throw err;
  }
  // The one upgrade listener: every WebSocket path is claimed through it, any other upgrade is refused.
  const upgrades = new UpgradeRoutes(httpServer);
  // After listen, an accept error (out of file descriptors) is logged; unhandled it would end the process.
  httpServer.on('error', (err) => ctx.logger.error({ err }, 'HTTP server error'));
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${tls ? 'https' : 'http'}://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
  let stopServices: () => Promise<void>;
  let cluster: Cluster | undefined;
  try {
    // Several hubs on one PostgreSQL database: events relayed between them, singletons on the elected leader.
    cluster = await startCluster(ctx);
    stopServices = await startServices(
      ctx,
      { server: httpServer, upgrades },
      hubServices(parts),
      cluster.leadership,
    );
  } catch (err) {
    await cluster?.stop();
    httpServer.close();
    await release();
    throw err;
  }
  const stopCluster = cluster.stop;
  ctx.logger.info({ url, dataDir: config.dataDir }, 'hub listening');
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await stopServices();
      await stopCluster();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
      await release();
      ctx.logger.info('hub stopped');
    })();
    return closing;
  };
  return { ctx, parts, app, httpServer, url, close };
}
