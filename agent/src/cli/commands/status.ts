import fs from 'node:fs';
import path from 'node:path';
import { CHECK_KINDS } from '@outpost/protocol';
import { Command } from 'commander';
import { type AgentSettings, loadSettings } from '../../config.js';
import { DATA_FILES, readPersistedConfig, requireIdentity } from '../../identity.js';
import { safeUrl } from '../../link/mqtt-link.js';
import { readOutboxStats } from '../../outbox/sqlite.js';
import { type AgentStateFile, processAlive, readStateFile, type TargetState } from '../../state/state.js';

/** Everything `status` shows, gathered from the data directory (no network). */
export interface StatusReport {
  agent_id: string;
  site_id: number;
  hub_url: string;
  mqtt_urls: string[];
  enrolled_at: number;
  service: { running: boolean; pid?: number; started_at?: number; updated_at?: number; stopped_at?: number };
  link: AgentStateFile['link'] | null;
  /** How the running (or last) agent encodes batches: compact when its hub announces it, else JSON. */
  batch_encoding: 'json' | 'compact' | null;
  config_version: number | null;
  devices: TargetState[];
  cameras: TargetState[];
  checks: TargetState[];
  outbox: ReturnType<typeof readOutboxStats> | null;
  traps: AgentStateFile['traps'] | null;
}

/** Reads identity, state.json, the persisted config and the outbox counters of a data directory. */
export function gatherStatus(settings: AgentSettings): StatusReport {
  const dir = settings.dataDir;
  const identity = requireIdentity(dir);
  const state = readStateFile(dir);
  const config = readPersistedConfig(dir);
  const dbFile = path.join(dir, DATA_FILES.outbox);
  const outbox = fs.existsSync(dbFile) ? readOutboxStats(dbFile) : null;
  const running = !!state && state.stopped_at === undefined && processAlive(state.pid);
  const fromConfig = (
    list: { id: number; name: string }[],
    states: TargetState[] | undefined,
    address: (x: never) => string,
    interval: (x: never) => number,
  ) =>
    list.map(
      (t) =>
        states?.find((s) => s.id === t.id) ?? {
          id: t.id,
          name: t.name,
          address: address(t as never),
          interval_s: interval(t as never),
        },
    );
  return {
    agent_id: identity.agent_id,
    site_id: identity.site_id,
    hub_url: safeUrl(identity.hub_url),
    mqtt_urls: identity.mqtt_urls.map(safeUrl),
    enrolled_at: identity.enrolled_at,
    service: state
      ? {
          running,
          pid: state.pid,
          started_at: state.started_at,
          updated_at: state.updated_at,
          ...(state.stopped_at ? { stopped_at: state.stopped_at } : {}),
        }
      : { running: false },
    link: state?.link ?? null,
    batch_encoding: state?.forwarder?.encoding ?? null,
    config_version: config?.version ?? null,
    devices: fromConfig(
      config?.devices ?? [],
      state?.devices,
      (d: { ip_address: string; port: number }) => `${d.ip_address}:${d.port}`,
      (d: { poll_interval_s: number }) => d.poll_interval_s,
    ),
    cameras: fromConfig(
      config?.cameras ?? [],
      state?.cameras,
      (c: { rtsp_url: string }) => c.rtsp_url,
      (c: { probe_interval_s: number }) => c.probe_interval_s,
    ),
    checks: fromConfig(
      (config?.checks ?? []).map((c) => ({ ...c, name: `${c.name} (${c.kind})` })),
      state?.checks,
      (c: { kind: string; params: never }) => CHECK_KINDS.get(c.kind)?.target(c.params) ?? c.kind,
      (c: { interval_s: number }) => c.interval_s,
    ),
    outbox,
    traps: state?.traps ?? null,
  };
}

const STALE_MS = 5 * 60_000;

function ago(ts: number | undefined, now: number): string {
  if (!ts) return 'never';
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${new Date(ts).toISOString()}`;
}

function bytes(n: number): string {
  return n < 1024
    ? `${n} B`
    : n < 1024 ** 2
      ? `${(n / 1024).toFixed(1)} KiB`
      : `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

/** The report as text for a terminal. */
export function formatStatus(r: StatusReport, now = Date.now()): string {
  const lines = [
    `Agent     ${r.agent_id} (site ${r.site_id}), enrolled ${new Date(r.enrolled_at).toISOString()}`,
    `Hub       ${r.hub_url}  broker ${r.mqtt_urls.join(', ')}`,
  ];
  if (r.service.running) {
    lines.push(
      `Service   running (pid ${r.service.pid}, started ${ago(r.service.started_at, now)}, state updated ${ago(r.service.updated_at, now)})`,
    );
    // state.json is refreshed every few seconds; an old one means a stuck process (or a reused pid).
    if (now - (r.service.updated_at ?? 0) > STALE_MS)
      lines.push(
        '          but its state has not been updated for a while: the process may be stuck; check the log',
      );
  } else if (r.service.stopped_at)
    lines.push(`Service   not running (stopped ${ago(r.service.stopped_at, now)})`);
  else if (r.service.pid)
    lines.push(
      `Service   not running (pid ${r.service.pid} is gone; last state ${ago(r.service.updated_at, now)})`,
    );
  else lines.push('Service   not running (never started in this data directory)');
  if (r.link) {
    const state = r.service.running ? r.link.state : `${r.link.state} (when last running)`;
    lines.push(
      `Hub link  ${state} since ${ago(r.link.since, now)}${r.batch_encoding ? `, batches ${r.batch_encoding}` : ''}${r.link.lastError ? `; last error: ${r.link.lastError}` : ''}`,
    );
  } else lines.push('Hub link  unknown (the agent has not run yet)');
  lines.push(
    `Config    ${r.config_version === null ? 'none received yet' : `version ${r.config_version}`} (${r.devices.length} devices, ${r.cameras.length} cameras, ${r.checks.length} checks)`,
  );
  if (r.outbox) {
    const o = r.outbox;
    lines.push(
      `Outbox    ${o.rows} rows waiting (${bytes(o.bytes)}), ${o.unackedBatches} batches awaiting ack, last seq ${o.lastSeq}, acked up to ${o.ackedUpTo}, ${o.totalDropped} dropped since enrollment`,
    );
  } else lines.push('Outbox    not created yet');
  if (r.traps) {
    const t = r.traps;
    lines.push(
      `Traps     ${t.listening ? `listening on ${t.listening}` : `not listening${t.error ? `: ${t.error}` : ''}`}; ${t.received} received, ${t.forwarded} forwarded, dropped: ${t.dropped.rate_limit} over the rate limit, ${t.dropped.auth} failing authentication, ${t.dropped.malformed} malformed`,
    );
  }
  for (const [title, list] of [
    ['Devices', r.devices],
    ['Cameras', r.cameras],
    ['Checks', r.checks],
  ] as const) {
    if (list.length === 0) continue;
    lines.push('', title);
    for (const t of list) {
      const last = t.last;
      const result = last
        ? `${last.status}${last.detail ? ` ${last.detail}` : ''}${last.error ? ` (${last.error})` : ''}, ${last.samples} samples, ${ago(last.ts, now)}`
        : 'not polled yet';
      lines.push(
        `  ${String(t.id).padEnd(5)} ${t.name.padEnd(20)} ${t.address.padEnd(24)} every ${t.interval_s} s  ${result}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `outpost-agent status`. */
export function statusCommand(): Command {
  return new Command('status')
    .description(
      'show identity, hub link, config version, last results and outbox backlog (reads the data directory)',
    )
    .option('--data <dir>', 'data directory (default: /var/lib/outpost-agent when it exists, else ./data)')
    .option('--config <file>', 'settings file')
    .option('--json', 'print JSON')
    .action((opts: { data?: string; config?: string; json?: boolean }) => {
      try {
        const report = gatherStatus(loadSettings(opts));
        process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
      } catch (err) {
        process.stderr.write(`outpost-agent status: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
