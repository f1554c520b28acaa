import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { HubConfig } from './config.js';
import { loadSecretKey, SecretBox } from './crypto/secrets.js';
import { HubEvents } from './events.js';
import { createLogger, type Logger } from './logger.js';
import { openStore } from './store/open.js';
import type { HubStore } from './store/port.js';

/** Everything a route module or a service needs, passed explicitly (no globals). */
export interface HubContext {
  config: HubConfig;
  /** The hub's state: repositories and units of work (store/port.ts). */
  store: HubStore;
  logger: Logger;
  events: HubEvents;
  /** Encrypts device/camera/agent secrets at rest. */
  secrets: SecretBox;
  /** Milliseconds since the epoch; injected so tests control time. */
  clock: () => number;
  /** Prometheus registry served at /metrics; services register their own metrics here. */
  metrics: Registry;
  /** When the hub started (ms). */
  startedAt: number;
}

export interface ContextOptions {
  clock?: () => number;
  /** Where log lines go (default stdout); tests capture them here. */
  logDestination?: DestinationStream;
  logger?: Logger;
  /** Collect process metrics (CPU, memory, event loop). Default true. */
  processMetrics?: boolean;
}

/** Opens the data directory: store (migrated), secret key, logger, event bus and metrics registry. */
export async function createContext(config: HubConfig, opts: ContextOptions = {}): Promise<HubContext> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const logger = opts.logger ?? createLogger(config.logLevel, opts.logDestination);
  const { key, created } = loadSecretKey(config.dataDir, config.secretKey);
  if (created) logger.info({ file: join(config.dataDir, 'secret.key') }, 'created a new secret key');
  const clock = opts.clock ?? Date.now;
  const store = await openStore(config.databaseUrl, config.dataDir, {
    clock,
    policy: {
      maxSamples: config.tsChunkMaxSamples,
      maxSpanMs: config.tsChunkMaxSpanS * 1000,
      maxAgeMs: config.tsHeadMaxAgeS * 1000,
    },
    sealSeriesPerTransaction: config.tsSealSeriesPerTransaction,
    onSealStart: (series) => logger.debug({ series }, 'sealing time-series chunks'),
    onReplayError: (logId, err) =>
      logger.error({ err, logId }, 'a time-series head-log record cannot be read; skipped'),
  });
  const events = new HubEvents((name, err) => logger.error({ err, event: name }, 'event listener failed'));
  const metrics = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: metrics, prefix: 'outpost_hub_' });
  return {
    config,
    store,
    logger,
    events,
    secrets: new SecretBox(key),
    clock,
    metrics,
    startedAt: clock(),
  };
}
