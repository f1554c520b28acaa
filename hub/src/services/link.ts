import { addHealthCheck } from '../api/routes/health.js';
import type { AedesBus } from '../broker/aedes-bus.js';
import { redactBrokerUrl } from '../broker/dynsec.js';
import { reconcileAgentClients } from '../broker/external.js';
import { openListeners } from '../broker/listeners.js';
import { MqttBus } from '../broker/mqtt-bus.js';
import type { HubContext } from '../context.js';
import { GroupCommit } from '../ingest/group-commit.js';
import { startIngest } from '../ingest/index.js';
import { type BrokerPorts, externalTransportWarnings, transportWarnings } from '../link/enrollment.js';
import type { LinkMetrics } from '../link/metrics.js';
import type { LinkParts } from '../link/parts.js';
import { clientAddress } from '../net/client-address.js';
import type { RunningService, Service, ServiceHttp } from './types.js';

/** A header that may be sent more than once, as one value. */
function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

/** How often presence (heartbeats) and jobs (timeouts, re-sends) are swept. */
const SWEEP_MS = 1000;

/**
 * The hub <-> agent link at work: the broker's listeners (TCP, optional TLS, WebSocket at /mqtt), the handling
 * of agent messages (ingest), presence from broker connections, config pushes after inventory changes, and the
 * sweeps of presence and jobs. The units themselves are built where the hub is composed (server.ts); the bus
 * is closed there too. (Sealing and retention of samples: services/timeseries.ts.)
 */
export function linkService(parts: LinkParts): Service {
  return {
    name: 'link',
    start: (ctx, http) => startLink(ctx, http, parts),
  };
}

async function startLink(ctx: HubContext, http: ServiceHttp, parts: LinkParts): Promise<RunningService> {
  const { config, logger } = ctx;
  const { bus, metrics, presence, configPush, jobs, options, ports } = parts;
  if (!config.brokerUrl && config.mqttsPort !== undefined && (!config.mqttsCert || !config.mqttsKey))
    throw new Error('mqttsPort needs mqttsCert and mqttsKey (PEM files)');
  await presence.load();
  const offPresence = bus.onPresence((c) => presence.onConnection(c));
  const batches = new GroupCommit({
    store: ctx.store,
    presence,
    metrics,
    logger,
    clock: ctx.clock,
    lostGapAfterMs: options.lostGapAfterMs,
  });
  const stopIngest = await startIngest(bus, {
    store: ctx.store,
    events: ctx.events,
    logger,
    clock: ctx.clock,
    metrics,
    sites: parts.sites,
    presence,
    configPush,
    jobs,
    sender: parts.sender,
    batches,
    snapshotsKeep: config.cameraSnapshotsKeep,
  });
  let broker: {
    endpoints: BrokerPorts;
    health: () => { ok: boolean; detail: string };
    close(): Promise<void>;
  };
  try {
    broker =
      bus instanceof MqttBus ? externalBroker(ctx, bus) : await embeddedBroker(ctx, http, bus, metrics);
  } catch (err) {
    offPresence();
    await stopIngest();
    throw err;
  }
  // Local changes only: the hub where a change was made pushes the config it implies, once.
  const offInventory = ctx.events.on('inventory.changed', (e) => configPush.onInventoryChanged(e.site_id), {
    local: true,
  });
  // An agent revoked through another hub: forget the site this hub cached for it.
  const offRevoked = ctx.events.on('agent.status', (e) => {
    if (e.reason === 'revoked') parts.sites.forget(e.agent_id);
  });
  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    const now = ctx.clock();
    (async () => {
      await presence.sweep(now);
      await jobs.sweep(now);
    })()
      .catch((err) => logger.error({ err }, 'link sweep failed'))
      .finally(() => {
        sweeping = false;
      });
  }, SWEEP_MS);
  sweep.unref();
  const offHealth = addHealthCheck(ctx, 'broker', broker.health);
  ports.set(broker.endpoints);
  return {
    async stop() {
      ports.set(undefined);
      offHealth();
      clearInterval(sweep);
      offInventory();
      offRevoked();
      offPresence();
      configPush.stop();
      presence.stop();
      await broker.close();
      await stopIngest();
    },
  };
}

/** The embedded broker's listeners (TCP, optional TLS, WebSocket at /mqtt), opened once messages are handled. */
async function embeddedBroker(ctx: HubContext, http: ServiceHttp, bus: AedesBus, metrics: LinkMetrics) {
  const { config, logger } = ctx;
  const refusalsLogged = new Map<string, { at: number; suppressed: number }>();
  const listeners = await openListeners(bus.broker, {
    host: config.host,
    ...(config.mqttPlain ? { mqttPort: config.mqttPort, mqttHost: config.mqttPlainHost ?? config.host } : {}),
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
  const endpoints = {
    ...(listeners.mqttPort !== undefined ? { mqttPort: listeners.mqttPort } : {}),
    ...(listeners.mqttsPort ? { mqttsPort: listeners.mqttsPort } : {}),
  };
  logger.info(
    { mqttPort: listeners.mqttPort, mqttsPort: listeners.mqttsPort, ws: '/mqtt' },
    'broker listening',
  );
  for (const warning of transportWarnings(config, {
    ...endpoints,
    mqttHost: config.mqttPlainHost ?? config.host,
  }))
    logger.warn(warning);
  return {
    endpoints,
    health: () => ({
      ok: !bus.broker.closed,
      detail: `${bus.connected().length} agents connected; mqtt port ${listeners.mqttPort ?? 'off'}, mqtts port ${listeners.mqttsPort ?? 'off'}`,
    }),
    close: () => listeners.close(),
  };
}

/**
 * An external broker (docs/scaling-out.md): no listeners here, agents reach the broker at the URLs enrollment
 * gives them. Agents revoked (or deleted) while the broker was unreachable lose their broker account now, and
 * whenever the admin connection comes back; so do agents of another database on the same broker.
 */
function externalBroker(ctx: HubContext, bus: MqttBus) {
  const reconcile = () =>
    reconcileAgentClients(bus.admin, ctx.store.agents).then(
      (removed) => {
        if (removed.length > 0)
          ctx.logger.warn(
            { agents: removed },
            'removed broker accounts of agents revoked or unknown to this database',
          );
      },
      (err) => ctx.logger.error({ err }, "reconciling agents' broker accounts failed"),
    );
  void reconcile();
  // A revocation while the broker was unreachable is applied when it is back.
  const offReconnect = bus.admin.onReconnect(() => void reconcile());
  const url = redactBrokerUrl(ctx.config.brokerUrl ?? '');
  for (const warning of externalTransportWarnings(ctx.config)) ctx.logger.warn(warning);
  return {
    endpoints: {},
    health: () => ({
      ok: bus.isConnected,
      detail: `external broker ${url}: ${bus.isConnected ? 'connected' : 'reconnecting'}`,
    }),
    close: async () => offReconnect(),
  };
}
