import { addHealthCheck } from '../api/routes/health.js';
import { AedesBus } from '../broker/aedes-bus.js';
import { openListeners } from '../broker/listeners.js';
import { startIngest } from '../ingest/index.js';
import { clientAddress } from '../net/client-address.js';
import type { Service } from '../services/types.js';
import { transportWarnings } from './enrollment.js';
import { DEFAULT_LINK_OPTIONS, Link, type LinkOptions } from './link.js';
import { createLinkMetrics } from './metrics.js';
import { setLink } from './registry.js';

/** A header that may be sent more than once, as one value. */
function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

/** How often presence (heartbeats) and jobs (timeouts, re-sends) are swept. */
const SWEEP_MS = 1000;

/**
 * The hub <-> agent link: the embedded broker (TCP, optional TLS, WebSocket at /mqtt), ingest, presence,
 * config push and jobs. (Sealing and retention of samples: services/timeseries.ts.)
 */
export const linkService: Service = {
  name: 'link',
  async start(ctx, http) {
    const { config, logger } = ctx;
    const metrics = createLinkMetrics(ctx.metrics);
    const bus = await AedesBus.create({
      agents: ctx.store.agents,
      logger,
      connectTimeoutMs: config.mqttConnectTimeoutS * 1000,
      counters: {
        authFailure: (reason) => metrics.authFailures.inc({ reason }),
        aclDenied: (kind) => metrics.aclDenied.inc({ kind }),
      },
    });
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
    const link = new Link(ctx, bus, options, metrics);
    await link.presence.load();
    const offPresence = bus.onPresence((c) => link.presence.onConnection(c));
    const stopIngest = await startIngest(link);
    let listeners: Awaited<ReturnType<typeof openListeners>>;
    if (config.mqttsPort !== undefined && (!config.mqttsCert || !config.mqttsKey)) {
      await bus.close();
      throw new Error('mqttsPort needs mqttsCert and mqttsKey (PEM files)');
    }
    const refusalsLogged = new Map<string, { at: number; suppressed: number }>();
    try {
      listeners = await openListeners(bus.broker, {
        host: config.host,
        ...(config.mqttPlain
          ? { mqttPort: config.mqttPort, mqttHost: config.mqttPlainHost ?? config.host }
          : {}),
        ...(config.mqttsPort !== undefined && config.mqttsCert && config.mqttsKey
          ? { mqtts: { port: config.mqttsPort, certFile: config.mqttsCert, keyFile: config.mqttsKey } }
          : {}),
        upgrades: http.upgrades,
        guard: {
          maxConnections: config.mqttMaxConnections,
          maxConnectionsPerAddress: config.mqttMaxConnectionsPerAddress,
          maxPacketBytes: config.mqttMaxPacketBytes,
          maxPreAuthBytes: config.mqttMaxPreAuthBytes,
          addressOf: (req) =>
            clientAddress(req.socket.remoteAddress, headerValue(req.headers['x-forwarded-for']), config),
          onServerError: (err, what) => logger.error({ err, listener: what }, 'broker listener error'),
          onRefused: (reason, address) => {
            metrics.connectionsRefused.inc({ reason });
            // One line per reason every 10 s at most: a flood of bad connections must not flood the log.
            const now = ctx.clock();
            const last = refusalsLogged.get(reason);
            if (last && now - last.at < 10_000) {
              last.suppressed++;
              return;
            }
            refusalsLogged.set(reason, { at: now, suppressed: 0 });
            logger.warn(
              { reason, address, suppressed_before: last?.suppressed ?? 0 },
              'mqtt connection refused by the socket guard',
            );
          },
        },
      });
    } catch (err) {
      await stopIngest();
      await bus.close();
      throw err;
    }
    link.endpoints = {
      ...(listeners.mqttPort !== undefined ? { mqttPort: listeners.mqttPort } : {}),
      ...(listeners.mqttsPort ? { mqttsPort: listeners.mqttsPort } : {}),
    };
    logger.info(
      { mqttPort: listeners.mqttPort, mqttsPort: listeners.mqttsPort, ws: '/mqtt' },
      'broker listening',
    );
    for (const warning of transportWarnings(config, {
      ...link.endpoints,
      mqttHost: config.mqttPlainHost ?? config.host,
    }))
      logger.warn(warning);
    // Local changes only: the hub where a change was made pushes the config it implies, once.
    const offInventory = ctx.events.on(
      'inventory.changed',
      (e) => link.config.onInventoryChanged(e.site_id),
      {
        local: true,
      },
    );
    // An agent revoked through another hub: forget what this hub cached about it (its site).
    const offRevoked = ctx.events.on('agent.status', (e) => {
      if (e.reason === 'revoked') link.forgetAgent(e.agent_id);
    });
    let sweeping = false;
    const sweep = setInterval(() => {
      if (sweeping) return;
      sweeping = true;
      const now = ctx.clock();
      (async () => {
        await link.presence.sweep(now);
        await link.jobs.sweep(now);
      })()
        .catch((err) => logger.error({ err }, 'link sweep failed'))
        .finally(() => {
          sweeping = false;
        });
    }, SWEEP_MS);
    sweep.unref();
    const offHealth = addHealthCheck(ctx, 'broker', () => ({
      ok: !bus.broker.closed,
      detail: `${bus.connected().length} agents connected; mqtt port ${listeners.mqttPort ?? 'off'}, mqtts port ${listeners.mqttsPort ?? 'off'}`,
    }));
    setLink(ctx, link);
    return {
      async stop() {
        setLink(ctx, undefined);
        offHealth();
        clearInterval(sweep);
        offInventory();
        offRevoked();
        offPresence();
        link.config.stop();
        link.presence.stop();
        await listeners.close();
        await stopIngest();
        await bus.close();
      },
    };
  },
};
