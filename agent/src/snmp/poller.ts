import type { DeviceConfig, KnownEvent, Sample, SnmpCredentials } from '@outpost/protocol';
import { DIAGNOSIS_TTL_MS, explainTimeout, type TimeoutFacts } from './diagnose.js';
import { SnmpError, toSnmpError } from './errors.js';
import { formatValue } from './format.js';
import { createLimiter } from './limiter.js';
import { createNetSnmpTransport } from './net-snmp-transport.js';
import { customOidsFor, customProfile } from './profiles/custom.js';
import { PROFILES, type Profile, type ProfileInput, selectProfiles, system } from './profiles/index.js';
import { gatherTimeoutFacts, type PingProbe } from './timeout-evidence.js';
import type { SnmpTarget, SnmpTransport, SnmpVarbind } from './types.js';

export interface SnmpLogger {
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface SnmpPollerOptions {
  /** Requests in flight across every device. */
  maxInFlight: number;
  clock?: { now(): number };
  logger?: SnmpLogger;
  /** Defaults to net-snmp over UDP; tests pass the recording fake. */
  transport?: SnmpTransport;
  profiles?: ReadonlyMap<string, Profile>;
  /** Starting GETBULK max-repetitions per device (halved on tooBig). */
  maxRepetitions?: number;
  /**
   * Device polls running at once (default: maxInFlight). Polls beyond it wait before sending anything, so a
   * backlog (slow or dead devices) costs a queued call, not a poll's worth of buffered varbinds.
   */
  maxConcurrentPolls?: number;
  /**
   * One ICMP echo, as evidence when a device times out (fpingProbe in production); without it the diagnosis
   * goes without ping.
   */
  ping?: PingProbe;
}

/** What a poll may use beyond the device's own config. */
export interface PollContext {
  /**
   * The v1/v2c credentials of the device's site (its credential sets, its other devices): when a device marked
   * `try_site_communities` times out, a few are tried to tell a wrong community from a dead host. Called only then.
   */
  siteCredentials?: () => readonly SnmpCredentials[];
}

export interface PollResult {
  samples: Sample[];
  events: KnownEvent[];
}

export interface WalkRow {
  oid: string;
  type: string;
  value: string;
}

export interface SnmpPoller {
  /** Polls one device with its profiles. Never throws: failures become events. */
  poll(device: DeviceConfig, context?: PollContext): Promise<PollResult>;
  /** Walks a subtree of a device for a job; rejects with an `SnmpError` carrying context. */
  walk(
    device: DeviceConfig,
    oid: string,
    onRow: (row: WalkRow) => void,
    options?: { maxRows?: number; signal?: AbortSignal },
  ): Promise<{ rows: number; truncated: boolean }>;
  /**
   * Reads scalars and walks whole subtrees of a device, raw: for readers with their own parsing (topology).
   * Rejects when the device does not answer the scalars; a walk that fails is named in `errors`, one cut at
   * `maxRows` in `truncated`.
   */
  tables(device: DeviceConfig, read: TablesRequest): Promise<TablesResult>;
  /** Drops the session and counter state of a device that left the config or changed settings. */
  forget(deviceId: number): void;
  close(): void;
}

export interface TablesRequest {
  scalars: readonly string[];
  walks: Readonly<Record<string, string>>;
  /** Most varbinds per walk. */
  maxRows: number;
  signal?: AbortSignal;
}

export interface TablesResult {
  scalars: Map<string, SnmpVarbind>;
  walks: Map<string, SnmpVarbind[]>;
  truncated: string[];
  errors: string[];
}

interface DeviceState {
  fingerprint: string;
  profiles: Map<string, unknown>;
  /** Varbinds per walked subtree at the previous poll: sizes the next GETBULK. */
  rows: Map<string, number>;
  /** While the device times out: what the evidence probes found, and when. */
  diagnosis?: { at: number; facts: TimeoutFacts };
}

/** The transport-level target of a device config. */
export function targetOf(device: DeviceConfig): SnmpTarget {
  return {
    id: String(device.id),
    host: device.ip_address,
    port: device.port ?? 161,
    credentials: device.snmp,
    timeoutMs: device.timeout_ms ?? 2000,
    retries: device.retries ?? 1,
  };
}

/** How a device is named in messages: never with its credentials. */
export function deviceLabel(device: Pick<DeviceConfig, 'id' | 'ip_address'>): string {
  return `device ${device.id} (${device.ip_address})`;
}

const NOOP_LOGGER: SnmpLogger = { warn() {}, debug() {} };

export function createSnmpPoller(options: SnmpPollerOptions): SnmpPoller {
  const clock = options.clock ?? Date;
  const log = options.logger ?? NOOP_LOGGER;
  const registry = options.profiles ?? PROFILES;
  const transport =
    options.transport ??
    createNetSnmpTransport({
      maxInFlight: options.maxInFlight,
      ...(options.maxRepetitions ? { maxRepetitions: options.maxRepetitions } : {}),
      onSessionError: (id, err) =>
        log.warn({ device_id: Number(id), err: String(err) }, 'snmp session error'),
    });
  const states = new Map<number, DeviceState>();
  const polls = createLimiter(options.maxConcurrentPolls ?? options.maxInFlight);

  function stateOf(device: DeviceConfig): DeviceState {
    const fingerprint = JSON.stringify([device.ip_address, device.port, device.snmp]);
    let st = states.get(device.id);
    if (!st || st.fingerprint !== fingerprint) {
      // Another address or credentials may be another device: its counters are not comparable.
      st = { fingerprint, profiles: new Map(), rows: new Map() };
      states.set(device.id, st);
    }
    return st;
  }

  async function fetch(target: SnmpTarget, st: DeviceState, profile: Profile): Promise<ProfileInput> {
    const scalars = new Map<string, SnmpVarbind>();
    const walks = new Map<string, SnmpVarbind[]>();
    const tasks: Promise<void>[] = [];
    if (profile.scalars?.length) {
      tasks.push(
        transport.get(target, [...profile.scalars]).then(
          (vbs) => {
            for (const vb of vbs) scalars.set(vb.oid, vb);
          },
          (err) => {
            throw withContext(err, `get ${profile.name}`);
          },
        ),
      );
    }
    for (const [name, oid] of Object.entries(profile.walks ?? {})) {
      const rows: SnmpVarbind[] = [];
      walks.set(name, rows);
      const expectedRows = st.rows.get(oid);
      tasks.push(
        transport
          .walk(
            target,
            oid,
            (vbs) => {
              for (const vb of vbs) rows.push(vb);
            },
            expectedRows === undefined ? {} : { expectedRows },
          )
          .then(
            (stats) => {
              st.rows.set(oid, stats.varbinds);
            },
            (err) => {
              throw withContext(err, `walk ${name}`);
            },
          ),
      );
    }
    const results = await Promise.allSettled(tasks);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return { scalars, walks };
  }

  /** What tells a silent device from a dead host: probed at most every DIAGNOSIS_TTL_MS per device. */
  async function timeoutFacts(
    device: DeviceConfig,
    target: SnmpTarget,
    st: DeviceState,
    context: PollContext,
  ): Promise<TimeoutFacts> {
    const now = clock.now();
    if (st.diagnosis && now - st.diagnosis.at < DIAGNOSIS_TTL_MS) return st.diagnosis.facts;
    // Other communities go only where the hub lets credentials go (try_site_communities).
    const site = device.try_site_communities === true ? (context.siteCredentials?.() ?? []) : [];
    const facts = await gatherTimeoutFacts(target, { transport, ping: options.ping }, site);
    st.diagnosis = { at: now, facts };
    return facts;
  }

  async function pollNow(device: DeviceConfig, context: PollContext = {}): Promise<PollResult> {
    const samples: Sample[] = [];
    const events: KnownEvent[] = [];
    const label = deviceLabel(device);
    try {
      const target = targetOf(device);
      const st = stateOf(device);
      let sysInput: ProfileInput;
      try {
        sysInput = await fetch(target, st, system);
      } catch (err) {
        const e = toSnmpError(err);
        let status: 'auth_failed' | 'unreachable' = e.code === 'auth_failed' ? 'auth_failed' : 'unreachable';
        let message = e.message;
        if (e.code === 'timeout') {
          const explained = explainTimeout(await timeoutFacts(device, target, st, context), e.message);
          status = explained.status;
          message = explained.error;
        }
        log.debug({ device_id: device.id, code: e.code }, `${label}: ${message}`);
        events.push({
          type: 'device_state',
          ts: clock.now(),
          device_id: device.id,
          status,
          error: clip(message),
        });
        return { samples, events };
      }
      st.diagnosis = undefined;
      const now = clock.now();
      const sysOut = system.collect(sysInput, st.profiles.get('system') as never, {
        deviceId: device.id,
        now,
        rebooted: false,
      });
      st.profiles.set('system', sysOut.state);
      samples.push(...sysOut.samples);
      const rebooted = sysOut.rebooted ?? false;
      const { profiles, unknown } = selectProfiles(device.profiles ?? [], sysOut.sys?.object_id, registry);
      for (const name of unknown)
        events.push(errorEvent(device, now, 'unknown_profile', `${label}: unknown SNMP profile "${name}"`));
      const custom = customOidsFor(device.custom_oids ?? [], sysOut.sys?.object_id);
      if (custom.length > 0) profiles.push(customProfile(custom) as Profile);

      await Promise.all(
        profiles.map(async (profile) => {
          try {
            const input = await fetch(target, st, profile);
            const ctx = { deviceId: device.id, now: clock.now(), rebooted };
            const out = profile.collect(input, st.profiles.get(profile.name), ctx);
            st.profiles.set(profile.name, out.state);
            for (const s of out.samples) samples.push(s);
          } catch (err) {
            const e = toSnmpError(err);
            const message = `${label}: profile ${profile.name}: ${e.message}`;
            log.warn({ device_id: device.id, profile: profile.name, code: e.code }, message);
            events.push(errorEvent(device, clock.now(), `snmp_${e.code}`, message));
          }
        }),
      );
      const event: Extract<KnownEvent, { type: 'device_state' }> = {
        type: 'device_state',
        ts: now,
        device_id: device.id,
        status: 'online',
      };
      if (sysOut.sys) event.sys = sysOut.sys;
      events.unshift(event);
      return { samples, events };
    } catch (err) {
      // A bug, not a device problem: still one device_state, and the cycle goes on.
      const message = `${label}: poll failed: ${err instanceof Error ? err.message : String(err)}`;
      log.warn({ device_id: device.id, err: String(err) }, message);
      return {
        samples: [],
        events: [
          {
            type: 'device_state',
            ts: clock.now(),
            device_id: device.id,
            status: 'unreachable',
            error: clip(message),
          },
        ],
      };
    }
  }

  return {
    poll: (device, context) => polls.run(() => pollNow(device, context)),
    async walk(device, oid, onRow, opts = {}) {
      const target = targetOf(device);
      let rows = 0;
      try {
        const stats = await transport.walk(
          target,
          oid,
          (vbs) => {
            for (const vb of vbs) {
              rows++;
              onRow({ oid: vb.oid, ...formatValue(vb) });
            }
          },
          opts,
        );
        return { rows, truncated: stats.truncated };
      } catch (err) {
        const e = toSnmpError(err);
        throw new SnmpError(e.code, `${deviceLabel(device)}: walk ${oid}: ${e.message}`, { cause: err });
      }
    },
    async tables(device, read) {
      const target = targetOf(device);
      const out: TablesResult = { scalars: new Map(), walks: new Map(), truncated: [], errors: [] };
      try {
        for (const vb of await transport.get(target, [...read.scalars])) out.scalars.set(vb.oid, vb);
      } catch (err) {
        const e = toSnmpError(err);
        throw new SnmpError(e.code, `${deviceLabel(device)}: get: ${e.message}`, { cause: err });
      }
      // One walk after another: a switch's forwarding table is read gently, beside its regular polls.
      for (const [name, oid] of Object.entries(read.walks)) {
        read.signal?.throwIfAborted();
        const rows: SnmpVarbind[] = [];
        out.walks.set(name, rows);
        try {
          const stats = await transport.walk(
            target,
            oid,
            (vbs) => {
              for (const vb of vbs) rows.push(vb);
            },
            { maxRows: read.maxRows, ...(read.signal ? { signal: read.signal } : {}) },
          );
          if (stats.truncated) out.truncated.push(name);
        } catch (err) {
          out.errors.push(`${name}: ${toSnmpError(err).message}`);
        }
      }
      return out;
    },
    forget(deviceId) {
      states.delete(deviceId);
      transport.forget(String(deviceId));
    },
    close() {
      states.clear();
      transport.close();
    },
  };
}

function withContext(err: unknown, what: string): SnmpError {
  const e = toSnmpError(err);
  return new SnmpError(e.code, `${what}: ${e.message}`, { cause: err });
}

function errorEvent(device: DeviceConfig, ts: number, code: string, message: string): KnownEvent {
  return { type: 'error', ts, code: code.slice(0, 64), message: clip(message, 2048), device_id: device.id };
}

function clip(s: string, max = 1024): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
