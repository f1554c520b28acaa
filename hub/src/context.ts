import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { HubConfig } from './config.js';
import { loadSecretKey, SecretBox } from './crypto/secrets.js';
import { HubEvents } from './events.js';
import { createLogger, type Logger } from './logger.js';
import { openStore } from './store/open.js';
import type { HubStore } from './store/port.js';
import { type TsdbEndpoints, tsdbEndpoints, withTsdb } from './store/tsdb/index.js';
import { redactUrl } from './store/tsdb/remote-write.js';

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
  const endpoints = tsdbEndpoints(config);
  return {
    config,
    store: endpoints ? tsdbStore(store, endpoints, config, clock, logger, metrics) : store,
    logger,
    events,
    secrets: new SecretBox(key),
    clock,
    metrics,
    startedAt: clock(),
  };
}

/** The store with its time series in the TSDB the config names, with the writes' metrics and logs. */
function tsdbStore(
  store: HubStore,
  endpoints: TsdbEndpoints,
  config: HubConfig,
  clock: () => number,
  logger: Logger,
  registry: Registry,
): HubStore {
  const registers = [registry];
  const written = new Counter({
    name: 'outpost_hub_tsdb_samples_written_total',
    help: 'Samples the TSDB accepted through remote write',
    registers,
  });
  const rejected = new Counter({
    name: 'outpost_hub_tsdb_samples_rejected_total',
    help: 'Samples the TSDB refused with a 4xx (not retried: the data itself was refused)',
    registers,
  });
  const failures = new Counter({
    name: 'outpost_hub_tsdb_write_failures_total',
    help: 'Remote writes that failed and were rolled back with their batches (agents send them again)',
    registers,
  });
  const seconds = new Histogram({
    name: 'outpost_hub_tsdb_write_seconds',
    help: 'Duration of one accepted remote-write request',
    buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10],
    registers,
  });
  logger.info(
    { write: redactUrl(endpoints.writeUrl), query: redactUrl(endpoints.queryUrl) },
    'time series in a Prometheus-compatible TSDB',
  );
  return withTsdb(store, {
    endpoints,
    timeoutMs: config.tsdbTimeoutMs,
    clock,
    onWrite(samples, _series, ms) {
      written.inc(samples);
      seconds.observe(ms / 1000);
    },
    onRejected(err, samples, series) {
      rejected.inc(samples);
      logger.error({ err, samples, series }, 'the TSDB refused samples; they are not stored');
    },
    onError(err, what) {
      if (what === 'write') failures.inc();
      logger.warn(
        { err },
        what === 'write' ? 'TSDB write failed; batches not acknowledged' : 'TSDB delete failed',
      );
    },
  });
}
