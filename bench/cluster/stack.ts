import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HubProcess, spawnHubProcess } from '../../test/support/hub-process.js';
import { type Mosquitto, startMosquitto } from '../../test/support/mosquitto.js';
import { type RunningPostgres, startPostgres } from '../../test/support/postgres.js';
import { startVictoriaMetrics, type Tsdb } from '../../test/support/tsdb.js';
import type { Group } from '../ingest/compact-load.js';
import { deviceSeries, type SeriesDef } from '../ingest/fleet.js';

/**
 * The documented multi-hub setup, fresh for one round: a throwaway PostgreSQL 15 cluster, Mosquitto 2 with
 * dynamic security (every agent its own broker client, created by the hub on enroll), VictoriaMetrics as the
 * hubs' `tsdbUrl`, and `hubs` processes of `outpost-hub serve` on them. The fleet is made through the API of
 * the first hub: a site per agent, its switches, an enrollment token and the enrollment itself.
 */
export interface Stack {
  pg: RunningPostgres;
  broker: Mosquitto;
  vm: Tsdb;
  hubs: HubProcess[];
  fleet: FleetAgent[];
  /** Index of the hub that holds the leadership now (asked through each live hub's health), if any. */
  leader(): Promise<number | undefined>;
  /** Counters and sums of every live hub's /metrics (unlabelled lines), by hub index. */
  scrape(): Promise<Record<string, number>[]>;
  /** How many lines each hub has logged so far (a mark for logSummary). */
  logMark(): number[];
  /** What the hubs logged after `mark`, by message: warnings and errors, and any message logged 10 times or more. */
  logSummary(mark: number[]): string[];
  close(): Promise<void>;
}

export interface FleetAgent {
  id: string;
  secret: string;
  url: string;
  groups: Group[];
}

export interface StackOptions {
  hubs: number;
  agents: number;
  devices: number;
  devicesPerBatch: number;
  /** The hubs' consumer connections on the broker (brokerConsumers). */
  consumers: number;
}

/** The hubs' database in the round's PostgreSQL cluster. */
export const DATABASE = 'bench_cluster';
const ADMIN = { admin: 'bench-admin', password: randomBytes(12).toString('hex') };
const PASSWORD = `bench-${randomBytes(9).toString('hex')}`;
const METRICS_TOKEN = `bench-metrics-${randomBytes(9).toString('hex')}`;

export async function startStack(o: StackOptions): Promise<Stack> {
  const dirs: string[] = [];
  const hubs: HubProcess[] = [];
  let pg: RunningPostgres | undefined;
  let broker: Mosquitto | undefined;
  let vm: Tsdb | undefined;
  const close = async () => {
    for (const h of hubs) if (h.proc.exitCode === null && h.proc.signalCode === null) h.proc.kill('SIGTERM');
    await Promise.all(
      hubs.map(
        (h) =>
          new Promise<void>((resolve) => {
            if (h.proc.exitCode !== null || h.proc.signalCode !== null) return resolve();
            const t = setTimeout(() => {
              h.proc.kill('SIGKILL');
              resolve();
            }, 5000);
            h.proc.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
          }),
      ),
    );
    await vm?.close();
    await broker?.close();
    await pg?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    [pg, broker, vm] = await Promise.all([
      startPostgres(),
      startMosquitto({ dynsec: ADMIN }),
      startVictoriaMetrics(),
    ]);
    const env = {
      OUTPOST_DATABASE_URL: await pg.createDatabase(DATABASE),
      OUTPOST_TSDB_URL: vm.url,
      OUTPOST_SECRET_KEY: randomBytes(32).toString('hex'),
      OUTPOST_BROKER_URL: broker.url,
      OUTPOST_BROKER_USERNAME: 'outpost-hub',
      OUTPOST_BROKER_PASSWORD: randomBytes(12).toString('hex'),
      OUTPOST_BROKER_ADMIN_USERNAME: ADMIN.admin,
      OUTPOST_BROKER_ADMIN_PASSWORD: ADMIN.password,
      OUTPOST_ENROLL_RATE_LIMIT_PER_MINUTE: '10000',
      OUTPOST_METRICS_TOKEN: METRICS_TOKEN,
      OUTPOST_BROKER_CONSUMERS: String(o.consumers),
    };
    // One after the other: the first migrates the fresh database.
    for (let i = 0; i < o.hubs; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-hub-'));
      dirs.push(dir);
      hubs.push(
        await spawnHubProcess(dir, {
          adminPassword: PASSWORD,
          env,
          externalBroker: true,
          logLevel: 'info',
          timeoutMs: 60_000,
          nodeArgs: process.env.OUTPOST_BENCH_HUB_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
        }),
      );
    }
    const first = hubs[0] as HubProcess;
    const login = await call(first, '', 'POST', '/api/v1/auth/login', {
      username: 'admin',
      password: PASSWORD,
    });
    const token = login.access_token as string;
    const api = (method: string, path: string, body?: unknown) => call(first, token, method, path, body);
    const fleet: FleetAgent[] = [];
    for (let a = 0; a < o.agents; a++) {
      const site = await api('POST', '/api/v1/sites', { name: `bench-${a}` });
      const ids: number[] = [];
      for (let d = 0; d < o.devices; d++) {
        const dev = await api('POST', '/api/v1/devices', {
          name: `sw${a}-${d}`,
          ip_address: `10.${a >> 8}.${a & 255}.${d + 1}`,
          site_id: site.id,
          snmp: { version: '2c', community: 'public' },
        });
        ids.push(dev.id);
      }
      const groups: Group[] = [];
      for (let i = 0; i < ids.length; i += o.devicesPerBatch)
        groups.push({
          devices: ids
            .slice(i, i + o.devicesPerBatch)
            .map((id) => ({ id, series: deviceSeries(id, id * 7919) as SeriesDef[] })),
        });
      const t = await api('POST', '/api/v1/agents/enrollment-tokens', { site_id: site.id });
      const e = await api('POST', '/api/v1/agents/enroll', {
        token: t.token,
        hostname: `bench-${a}`,
        version: '0.1.0',
      });
      fleet.push({ id: e.agent_id, secret: e.secret, url: e.mqtt.urls[0], groups });
    }
    const alive = (h: HubProcess) => h.proc.exitCode === null && h.proc.signalCode === null;
    return {
      pg,
      broker,
      vm,
      hubs,
      fleet,
      async leader() {
        for (const [i, h] of hubs.entries()) {
          if (!alive(h)) continue;
          const health = await call(h, token, 'GET', '/api/v1/health').catch(() => undefined);
          if (/^leader/.test(health?.checks?.cluster?.detail ?? '')) return i;
        }
        return undefined;
      },
      scrape: () => Promise.all(hubs.map((h) => (alive(h) ? scrape(h) : Promise.resolve({})))),
      logMark: () => hubs.map((h) => h.lines.length),
      logSummary: (mark) => summarize(hubs.flatMap((h, i) => h.lines.slice(mark[i] ?? 0))),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, read field by field
type Body = any;

async function call(
  hub: HubProcess,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Body> {
  const res = await fetch(`${hub.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok && path !== '/api/v1/health')
    throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** `name value` and `name{labels} value` lines of the Prometheus text format, keyed by what precedes the value. */
async function scrape(hub: HubProcess): Promise<Record<string, number>> {
  const res = await fetch(`${hub.url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    signal: AbortSignal.timeout(10_000),
  });
  const out: Record<string, number> = {};
  for (const line of (await res.text()).split('\n')) {
    const m = /^(outpost_hub_[a-z_]+(?:\{[^}]*\})?) ([0-9.e+-]+)$/.exec(line);
    if (m) out[m[1] as string] = Number(m[2]);
  }
  return out;
}

const LEVELS: Record<number, string> = { 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

function summarize(lines: string[]): string[] {
  const seen = new Map<string, { n: number; level: number }>();
  for (const line of lines) {
    try {
      const m = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } | string };
      const err = typeof m.err === 'string' ? m.err : m.err?.message;
      const key = `${m.msg}${err ? `: ${err.slice(0, 100)}` : ''}`;
      const e = seen.get(key) ?? { n: 0, level: m.level ?? 0 };
      e.n++;
      seen.set(key, e);
    } catch {
      // not a log line
    }
  }
  return [...seen]
    .filter(([, e]) => e.level >= 40 || e.n >= 10)
    .sort((a, b) => b[1].n - a[1].n)
    .map(([k, e]) => `${e.n} x ${k} (${LEVELS[e.level] ?? e.level})`);
}
