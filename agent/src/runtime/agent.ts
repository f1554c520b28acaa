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
import { checkOutcome } from './record.js';
import { buildTargetKinds, type TargetKind } from './targets/index.js';
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
  const inFlight = new Map<string, Promise<Outcome | null>>();
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

  /** The current targets of each kind, by id. */
  const targets = new Map<string, Map<number, { id: number }>>();
  for (const name of kinds.keys()) targets.set(name, new Map());

  /** One run per target at a time: poll-now joins a scheduled poll in flight instead of starting another. */
  const runTarget = <T extends { id: number }>(
    kindName: string,
    target: T,
    opts?: ProbeCallOptions,
  ): Promise<Outcome | null> => {
    const kind = kinds.get(kindName) as TargetKind<T>;
    const key = `${kindName}:${target.id}`;
    const running = inFlight.get(key);
    if (running) return running;
    const p = (async () => {
      const outcome = await kind.run(target, opts);
      if (!outcome) return null;
      record(outcome, `${kindName} ${target.id}`);
      // A target that went down (or came back) is sent now, not at the next batch tick: alert latency.
      if (
        kind.tracked &&
        tracker.record(kind.tracked.list, target.id, kind.tracked.status(outcome), clock.now())
      )
        forwarder.pump();
      return outcome;
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, p);
    return p;
  };
  const pollDevice = async (device: DeviceConfig): Promise<Outcome> =>
    (await runTarget('device', device)) ?? { samples: [], events: [] };
  const probeCamera = async (camera: CameraConfig, opts?: ProbeCallOptions): Promise<Outcome> =>
    (await runTarget('camera', camera, opts)) ?? { samples: [], events: [] };

  const scheduler = new Scheduler({
    clock,
    log,
    async run(key) {
      const colon = key.indexOf(':');
      const kindName = key.slice(0, colon);
      const target = targets.get(kindName)?.get(Number(key.slice(colon + 1)));
      if (target) await runTarget(kindName, target);
    },
  });

  /** Commands waiting for the next config (a target created a moment ago may be in it). */
  const configWaiters = new Set<() => void>();
  const nextConfig = (timeoutMs: number, signal?: AbortSignal): Promise<boolean> =>
    new Promise((resolve) => {
      const done = (applied: boolean) => {
        clearTimeout(timer);
        configWaiters.delete(onApplied);
        signal?.removeEventListener('abort', onAbort);
        resolve(applied);
      };
      const onApplied = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), Math.max(0, timeoutMs));
      configWaiters.add(onApplied);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  const apply = (next: ConfigMessage, source: 'disk' | 'hub'): void => {
    const scheduled: { key: string; intervalMs: number }[] = [];
    for (const [name, kind] of kinds) {
      const current = targets.get(name)!;
      const wanted = new Map(kind.targets(next).map((t) => [t.id, t] as const));
      for (const [id, old] of current) {
        const now = wanted.get(id);
        // A changed or removed target loses its session and state (new credentials, new address).
        if (!now || JSON.stringify(now) !== JSON.stringify(old)) kind.forget?.(id);
      }
      targets.set(name, wanted);
      if (kind.tracked)
        tracker.setTargets(kind.tracked.list, [...wanted.values()].map(kind.tracked.describe));
      for (const t of wanted.values()) {
        const intervalMs = kind.intervalMs(t);
        if (intervalMs > 0) scheduled.push({ key: `${name}:${t.id}`, intervalMs });
      }
      const warning = kind.unavailable?.(next);
      if (warning) log.warn({ kind: name }, warning);
    }
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
    for (const wake of [...configWaiters]) wake();
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
      device: (id) => targets.get('device')?.get(id) as DeviceConfig | undefined,
      camera: (id) => targets.get('camera')?.get(id) as CameraConfig | undefined,
      poller: o.poller,
      prober: o.prober,
      pollDevice,
      probeCamera,
      nextConfig,
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
      await Promise.allSettled([...inFlight.values()]);
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
      for (const kind of kinds.values()) await kind.close?.();
      log.info({}, 'stopped');
    })();
    return stopped;
  };

  return { identity, stop, state, drained };
}
