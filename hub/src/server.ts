import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './api/app.js';
import type { ApiApp } from './api/types.js';
import { ensureInitialAdmin } from './auth/first-run.js';
import { type Cluster, startCluster } from './cluster/index.js';
import type { HubConfig } from './config.js';
import { type ContextOptions, createContext, type HubContext } from './context.js';
import { UpgradeRoutes } from './net/upgrades.js';
import { SERVICES, type Service, startServices } from './services/index.js';

/** The port is taken: the message is one line naming the port and how to change it. */
export class PortInUseError extends Error {
  readonly code = 'port_in_use';
}

export interface RunningHub {
  ctx: HubContext;
  app: ApiApp;
  httpServer: Server;
  /** `http://host:port` actually bound (port 0 resolved). */
  url: string;
  /** Stops services (reverse order), the HTTP server, then closes the store. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions extends ContextOptions {
  services?: readonly Service[];
  /** Called once with the generated first admin password (the CLI prints it). */
  onInitialPassword?: (password: string, file: string) => void;
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

/** Opens the data directory, creates the first admin if needed, serves HTTP and starts every service. */
export async function startHub(config: HubConfig, opts: StartOptions = {}): Promise<RunningHub> {
  const ctx = await createContext(config, opts);
  try {
    const admin = await ensureInitialAdmin(ctx);
    if (admin.created && admin.password && admin.file) opts.onInitialPassword?.(admin.password, admin.file);
  } catch (err) {
    await ctx.store.close();
    throw err;
  }
  const app = createApp(ctx);
  let httpServer: Server;
  const tls = config.httpTlsCert !== undefined || config.httpTlsKey !== undefined;
  try {
    httpServer = tls ? httpsServer(app, config) : (createAdaptorServer({ fetch: app.fetch }) as Server);
  } catch (err) {
    await ctx.store.close();
    throw err;
  }
  // Bounded connections: over the cap a new one is closed at accept; a silent one goes after the idle timeout
  // (upgraded WebSockets clear it). Node would otherwise keep a connection that never sends a byte forever.
  httpServer.maxConnections = config.httpMaxConnections;
  httpServer.setTimeout(config.httpIdleTimeoutS * 1000);
  try {
    await listen(httpServer, config.httpPort, config.host);
  } catch (err) {
    await ctx.store.close();
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
      opts.services ?? SERVICES,
      cluster.leadership,
    );
  } catch (err) {
    await cluster?.stop();
    httpServer.close();
    await ctx.store.close();
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
      await ctx.store.close();
      ctx.logger.info('hub stopped');
    })();
    return closing;
  };
  return { ctx, app, httpServer, url, close };
}
