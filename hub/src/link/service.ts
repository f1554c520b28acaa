import { addHealthCheck } from '../api/routes/health.js';
import { AedesBus } from '../broker/aedes-bus.js';
import { openListeners } from '../broker/listeners.js';
import { startIngest } from '../ingest/index.js';
import type { Service } from '../services/types.js';
import { DEFAULT_LINK_OPTIONS, Link, type LinkOptions } from './link.js';
import { createLinkMetrics } from './metrics.js';
import { setLink } from './registry.js';

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
      counters: {
        authFailure: (reason) => metrics.authFailures.inc({ reason }),
        aclDenied: (kind) => metrics.aclDenied.inc({ kind }),
      },
    });
    const options: LinkOptions = {
      ...DEFAULT_LINK_OPTIONS,
      heartbeatS: config.agentHeartbeatS,
      jobQueueTimeoutS: config.jobQueueTimeoutS,
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
    try {
      listeners = await openListeners(bus.broker, {
        host: config.host,
        mqttPort: config.mqttPort,
        ...(config.mqttsPort !== undefined && config.mqttsCert && config.mqttsKey
          ? { mqtts: { port: config.mqttsPort, certFile: config.mqttsCert, keyFile: config.mqttsKey } }
          : {}),
        http: http.server,
      });
    } catch (err) {
      await stopIngest();
      await bus.close();
      throw err;
    }
    link.endpoints = {
      mqttPort: listeners.mqttPort,
      ...(listeners.mqttsPort ? { mqttsPort: listeners.mqttsPort } : {}),
    };
    logger.info(
      { mqttPort: listeners.mqttPort, mqttsPort: listeners.mqttsPort, ws: '/mqtt' },
      'broker listening',
    );
    const offInventory = ctx.events.on('inventory.changed', (e) => link.config.onInventoryChanged(e.site_id));
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
      detail: `${bus.connected().length} agents connected; mqtt port ${listeners.mqttPort}`,
    }));
    setLink(ctx, link);
    return {
      async stop() {
        setLink(ctx, undefined);
        offHealth();
        clearInterval(sweep);
        offInventory();
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
