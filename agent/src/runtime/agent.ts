import path from 'node:path';
import type { CameraConfig, ConfigMessage, DeviceConfig, KnownEvent } from '@outpost/protocol';
import { type CheckRunner, createCheckRunner } from '../checks/runner.js';
import { COMMANDS, CommandDispatcher } from '../commands/index.js';
import { type AgentSettings, describeSettings } from '../config.js';
import {
  DATA_FILES,
  type Identity,
  readPersistedConfig,
  requireIdentity,
  writePersistedConfig,
} from '../identity.js';
import { type BatchEncoding, batchEncodingFor, encodeBatch } from '../link/batch.js';
import { Forwarder } from '../link/forwarder.js';
import { HubLink } from '../link/mqtt-link.js';
import type { Logger } from '../logger.js';
import { PROTOCOL_BATCH_LIMITS } from '../outbox/index.js';
import { SqliteOutbox } from '../outbox/sqlite.js';
import type { BatchLimits } from '../outbox/types.js';
import { type Clock, Scheduler, systemClock } from '../scheduler/scheduler.js';
import { type AgentStateFile, StateTracker, writeStateFile } from '../state/state.js';
import { launcherInfo } from '../upgrade/state.js';
import { createUpgradeTracker } from '../upgrade/tracker.js';
import { AGENT_VERSION } from '../version.js';
import { ConfigWaiters } from './config-waiters.js';
import { checkOutcome } from './record.js';
import { TargetSet } from './target-set.js';
import { buildTargetKinds } from './targets/index.js';
import { createTrapService } from './traps.js';
import type { Outcome, Poller, ProbeCallOptions, Prober } from './types.js';

export interface AgentOptions {
  settings: AgentSettings;
  log: Logger;
  /** The SNMP poller; tests pass a fake. */
  poller: Poller | null;
  prober: Prober | null;
  /** Runs checks (icmp, tcp, http, dns); each kind's code loads with its first check. Default: the real one. */
  checks?: CheckRunner | null;
  clock?: Clock;
  identity?: Identity;
  /** Overrides the protocol batch limits (tests use small batches). */
  batchLimits?: BatchLimits;
  /** Stop and start again (`run` exits with the restart code); after installing an upgrade. */
  onRestart?: (reason: string) => void;
}

export interface RunningAgent {
  readonly identity: Identity;
  /** Stops cleanly: finishes the polls in flight, flushes to the hub, closes the outbox. */
  stop(reason?: string): Promise<void>;
  state(): AgentStateFile;
  /** Resolves when every unacknowledged row has been acknowledged (or the timeout passes). */
  drained(timeoutMs: number): Promise<boolean>;
}

const FLUSH_ON_STOP_MS = 3_000;

/** Starts the agent service: outbox, hub link, config, scheduler and commands. */
export async function startAgent(o: AgentOptions): Promise<RunningAgent> {
  const { settings, log } = o;
  const clock = o.clock ?? systemClock;
  const dir = settings.dataDir;
  const identity = o.identity ?? requireIdentity(dir);
  const startedAt = clock.now();
  const outbox = new SqliteOutbox({
    file: path.join(dir, DATA_FILES.outbox),
    maxBytes: settings.outboxMaxBytes,
  });
  const tracker = new StateTracker();
  const limits = o.batchLimits ?? PROTOCOL_BATCH_LIMITS;
  let config: ConfigMessage | null = null;
  let stopping = false;
  const stopSignal = new AbortController();
  let encoding: BatchEncoding = 'json';
  const followHub = (c: ConfigMessage): void => {
    const next = batchEncodingFor(settings.batchEncoding, c);
    if (next !== encoding) log.info({ encoding: next }, `sending batches as ${next}`);
    encoding = next;
  };

  const record = (outcome: Outcome, source: string): void => {
    const checked = checkOutcome(outcome, clock.now(), source);
    if (checked.dropped > 0) {
      log.warn(
        { source, dropped: checked.dropped, problem: checked.problem },
        'invalid results dropped before the outbox',
      );
    }
    const r = outbox.append(checked.samples, checked.events, clock.now());
    if (r.evicted > 0)
      log.warn(
        { evicted: r.evicted, totalDropped: outbox.stats().totalDropped },
        'outbox full: oldest rows evicted',
      );
    if (outbox.stats().unbatchedRows >= limits.maxSamples) forwarder.pump();
  };
  const lifecycle = (phase: 'started' | 'stopping' | 'config_applied' | 'reconnected', detail?: string) => {
    const event: KnownEvent = {
      type: 'lifecycle',
      ts: clock.now(),
      phase,
      ...(config ? { config_version: (config as ConfigMessage).version } : {}),
      ...(detail ? { detail } : {}),
    };
    record({ samples: [], events: [event] }, 'agent');
  };

  // Every kind of target (devices, cameras, snapshots, checks) is scheduled and run the same way.
  const kinds = buildTargetKinds({
    poller: o.poller,
    prober: o.prober,
    checks: o.checks === undefined ? createCheckRunner({ signal: stopSignal.signal }) : o.checks,
    publishSnapshot: (m) => link.publish('snapshot', m),
    now: () => clock.now(),
    log,
  });
  // The SNMP trap receiver: loaded, started, restarted and stopped as configs enable and change it.
  const traps = createTrapService({
    record: (events) => {
      record({ samples: [], events }, 'traps');
      forwarder.pump();
    },
    now: () => clock.now(),
    log: log.child({ part: 'traps' }),
  });

  // Fleet upgrades: outcomes to report, the trial of this version, the `upgrade` command.
  const upgrades = createUpgradeTracker({
    dataDir: dir,
    version: AGENT_VERSION,
    identity,
    launcher: launcherInfo(),
    record: (events) => {
      record({ samples: [], events }, 'upgrade');
      forwarder.pump();
    },
    restart: (reason) => {
      if (!o.onRestart)
        return log.warn({ reason }, 'a restart was asked for, but nothing can restart this agent');
      // Let the command's result reach the hub first.
      setTimeout(() => o.onRestart?.(reason), 300).unref();
    },
    log,
    now: () => clock.now(),
  });

  const targets = new TargetSet({
    kinds,
    tracker,
    record,
    pump: () => forwarder.pump(),
    now: () => clock.now(),
    log,
  });
  const pollDevice = async (device: DeviceConfig): Promise<Outcome> =>
    (await targets.run('device', device)) ?? { samples: [], events: [] };
  const probeCamera = async (camera: CameraConfig, opts?: ProbeCallOptions): Promise<Outcome> =>
    (await targets.run('camera', camera, opts)) ?? { samples: [], events: [] };

  const scheduler = new Scheduler({
    clock,
    log,
    run: (key) => targets.runKey(key),
  });

  const configWaiters = new ConfigWaiters();

  const apply = (next: ConfigMessage, source: 'disk' | 'hub'): void => {
    const scheduled = targets.apply(next);
    config = next;
    scheduler.set(scheduled);
    void traps.apply(next);
    link.setHeartbeat(next.intervals.heartbeat_s);
    restartTicker(next.intervals.batch_max_delay_ms);
    log.info(
      {
        source,
        config_version: next.version,
        devices: next.devices.length,
        cameras: next.cameras.length,
        checks: next.checks.length,
      },
      source === 'disk' ? 'polling with the persisted config' : 'config applied',
    );
    configWaiters.applied();
  };

  const forwarder: Forwarder = new Forwarder({
    outbox,
    limits,
    maxInFlight: settings.linkMaxInFlight,
    ackTimeoutMs: settings.ackTimeoutMs,
    now: () => clock.now(),
    log,
    send: (batch) => {
      const encoded = encodeBatch(batch, clock.now(), encoding);
      if (encoded.error) {
        log.error(
          { seq: batch.seq, removed: encoded.removed, err: encoded.error },
          'batch refused by the protocol; sent without the refused items',
        );
      }
      return link.publishEncoded('batch', encoded.bytes);
    },
    // Tells the hub at once that nothing from before this connection is left (its alert hold-back ends).
    onCaughtUp: () =>
      link.publishOnline().catch((err: unknown) => log.warn({ err }, 'publishing status failed')),
  });

  let everConnected = false;
  const link = new HubLink({
    identity,
    agentVersion: AGENT_VERSION,
    startedAt,
    reconnectMinMs: settings.reconnectMinMs,
    reconnectMaxMs: settings.reconnectMaxMs,
    now: () => clock.now(),
    log,
    handlers: {
      connected() {
        if (everConnected) lifecycle('reconnected');
        everConnected = true;
        forwarder.onConnected();
      },
      disconnected: () => forwarder.onDisconnected(),
      ack: (upTo) => {
        forwarder.onAck(upTo);
        // The hub stored what this version sent: a version on trial stays.
        upgrades.reachedHub();
      },
      config(next) {
        if (stopping) return;
        followHub(next);
        if (config && next.version <= config.version) {
          log.debug(
            { version: next.version, applied: config.version },
            'config not newer than the applied one; ignored',
          );
          return;
        }
        apply(next, 'hub');
        try {
          writePersistedConfig(dir, next);
        } catch (err) {
          // Polling goes on with the new config; only a restart without the hub would fall back to the old one.
          log.error({ err, config_version: next.version }, 'persisting the config failed');
        }
        lifecycle('config_applied');
        link.publishOnline().catch((err: unknown) => log.warn({ err }, 'publishing status failed'));
      },
      command: (cmd) => {
        if (!stopping) dispatcher.handle(cmd);
      },
      statusFields: () => {
        const s = outbox.stats();
        return {
          config_version: config?.version ?? null,
          backlog: s.rows,
          buffered: forwarder.bufferedRows,
          dropped: s.totalDropped,
        };
      },
    },
  });

  const dispatcher = new CommandDispatcher({
    handlers: COMMANDS,
    now: () => clock.now(),
    log,
    publish: (result) => link.publish('result', result),
    context: {
      config: () => config,
      device: (id) => targets.get<DeviceConfig>('device', id),
      camera: (id) => targets.get<CameraConfig>('camera', id),
      poller: o.poller,
      prober: o.prober,
      pollDevice,
      probeCamera,
      nextConfig: (timeoutMs, signal) => configWaiters.next(timeoutMs, signal),
      publishSnapshot: (snapshot) => link.publish('snapshot', snapshot),
      hubUrl: identity.hub_url,
      upgrade: (args, job) => upgrades.upgrade(args, job),
      log,
    },
  });

  let ticker: NodeJS.Timeout | null = null;
  let tickMs = 0;
  function restartTicker(ms: number): void {
    if (ms === tickMs && ticker) return;
    if (ticker) clearInterval(ticker);
    tickMs = ms;
    ticker = setInterval(() => {
      try {
        forwarder.tick();
      } catch (err) {
        log.error({ err }, 'forwarding failed');
      }
    }, ms);
  }

  const state = (): AgentStateFile => ({
    v: 1,
    pid: process.pid,
    version: AGENT_VERSION,
    agent_id: identity.agent_id,
    started_at: startedAt,
    updated_at: clock.now(),
    link: link.status,
    config_version: config?.version ?? null,
    ...tracker.lists(),
    outbox: outbox.stats(),
    forwarder: { in_flight: forwarder.inFlightCount, ...forwarder.counters, encoding },
    polls: { skipped: scheduler.skipped },
    ...(traps.stats() ? { traps: traps.stats() } : {}),
  });
  const saveState = (extra: Partial<AgentStateFile> = {}) => {
    try {
      writeStateFile(dir, { ...state(), ...extra });
    } catch (err) {
      log.warn({ err }, 'writing state.json failed');
    }
  };

  // Edge autonomy: poll with the last config from disk until the hub sends a newer one.
  try {
    const persisted = readPersistedConfig(dir);
    if (persisted) {
      apply(persisted, 'disk');
      followHub(persisted);
    } else log.info({}, 'no config yet; waiting for the hub');
  } catch (err) {
    log.error({ err }, 'the persisted config is unreadable; waiting for the hub');
  }
  restartTicker(config ? (config as ConfigMessage).intervals.batch_max_delay_ms : 1_000);
  lifecycle('started', `version ${AGENT_VERSION}`);
  upgrades.flush();
  link.start();
  log.info(
    { agent_id: identity.agent_id, hub: link.status.url, data: dir, settings: describeSettings(settings) },
    'agent started',
  );
  saveState();
  const stateTimer = setInterval(saveState, settings.stateIntervalMs);

  const drained = async (timeoutMs: number): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (outbox.stats().rows === 0) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return outbox.stats().rows === 0;
  };

  let stopped: Promise<void> | null = null;
  const stop = (reason = 'stop'): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      log.info({ reason }, 'stopping: finishing polls in flight');
      stopSignal.abort();
      await scheduler.stop();
      await targets.settled();
      await dispatcher.stop();
      await traps.close();
      lifecycle('stopping', reason);
      if (link.connected) {
        forwarder.pump();
        const ok = await drained(FLUSH_ON_STOP_MS);
        log.info(
          { flushed: ok, backlog: outbox.stats().rows },
          ok ? 'outbox flushed' : 'outbox kept for the next start',
        );
      }
      if (ticker) clearInterval(ticker);
      clearInterval(stateTimer);
      await link.stop();
      saveState({ stopped_at: clock.now() });
      outbox.close();
      await targets.close();
      log.info({}, 'stopped');
    })();
    return stopped;
  };

  return { identity, stop, state, drained };
}
