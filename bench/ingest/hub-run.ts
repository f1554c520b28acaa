import { topics } from '@outpost/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { hashAgentSecret } from '../../hub/src/auth/agent-credentials.js';
import { openStore } from '../../hub/src/store/open.js';
import { spawnHubProcess } from '../../test/support/hub-process.js';
import { AgentBatches, type Group, selfCheck } from './compact-load.js';
import { deviceSeries, type SeriesDef } from './fleet.js';
import { pct, perWindow, procStats } from './measure.js';

export interface HubRunOptions {
  dir: string;
  seconds: number;
  agents: number;
  /** Devices per agent, a multiple of `devicesPerBatch`. */
  devices: number;
  devicesPerBatch: number;
  window: number;
  /** Timestamp of the first poll. */
  t0: number;
  /** The hub's store (`databaseUrl`): SQLite in `dir` when absent. */
  databaseUrl?: string;
  /** More hub settings (OUTPOST_* variables), e.g. OUTPOST_TSDB_URL. */
  env?: Record<string, string>;
}

export interface HubRunResult {
  elapsedS: number;
  samples: number;
  batches: number;
  /** Samples acknowledged per second, per minute of the run (per 10 s for runs under 2 minutes). */
  windows: number[];
  windowS: number;
  ackMs: { p50: number; p99: number; max: number };
  hubCpuS: number;
  rssMb: number;
  hwmMb: number;
  /** Head and head-log figures from the hub's /metrics at the end of the run. */
  metrics: Record<string, number>;
  /** Every series sent: device id -> its definitions. */
  devices: Map<number, SeriesDef[]>;
  stopS: number;
}

interface AgentSetup {
  id: string;
  secret: string;
  groups: Group[];
}

const METRICS_TOKEN = 'bench-metrics-token-0123456789';

/** Sites, devices and agents (with known secrets) straight in the hub's store. */
async function prepare(o: HubRunOptions, devices: Map<number, SeriesDef[]>): Promise<AgentSetup[]> {
  const store = await openStore(o.databaseUrl, o.dir);
  const now = Date.now();
  const out: AgentSetup[] = [];
  await store.unit(async (tx) => {
    for (let a = 0; a < o.agents; a++) {
      const siteId = (await tx.sites.insert({ name: `bench-${a}` }, now)).id;
      const ids: number[] = [];
      for (let d = 0; d < o.devices; d++) {
        const row = await tx.devices.insert(
          {
            name: `sw${a}-${d}`,
            ip_address: `10.${a}.${d >> 8}.${d & 255}`,
            site_id: siteId,
            parent_id: null,
            vendor: null,
            mac_address: null,
            device_type: 'switch',
            snmp_json: '{"version":"2c","port":161}',
            snmp_secret: null,
            poll_interval_s: 60,
            profile: null,
            meta: '{}',
          },
          now,
        );
        ids.push(row.id);
        devices.set(row.id, deviceSeries(row.id, row.id * 7919));
      }
      const groups: Group[] = [];
      for (let i = 0; i < ids.length; i += o.devicesPerBatch) {
        groups.push({
          devices: ids
            .slice(i, i + o.devicesPerBatch)
            .map((id) => ({ id, series: devices.get(id) as SeriesDef[] })),
        });
      }
      const id = `bench-agent-${a}`;
      const secret = `bench-secret-${a}-${now}`;
      await tx.agents.create({
        id,
        site_id: siteId,
        hostname: id,
        version: 'bench',
        secret_hash: hashAgentSecret(secret),
        created_at: now,
      });
      out.push({ id, secret, groups });
    }
  });
  await store.close();
  return out;
}

interface AgentRun {
  /** [ms since start, samples] of every acknowledged batch. */
  acked: [number, number][];
  latencies: number[];
}

/** One simulated agent: publishes batch after batch, never more than `window` unacknowledged. */
async function runAgent(
  port: number,
  a: AgentSetup,
  o: HubRunOptions,
  start: number,
  deadline: number,
  seed: number,
): Promise<AgentRun> {
  const client: MqttClient = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: a.id,
    username: a.id,
    password: a.secret,
    reconnectPeriod: 0,
    protocolVersion: 4,
  });
  const batches = new AgentBatches(a.groups, o.t0, seed);
  const sizes = batches.sizes;
  const sent = new Map<number, [number, number]>();
  const run: AgentRun = { acked: [], latencies: [] };
  let upTo = 0;
  let wake: (() => void) | undefined;
  const ackTopic = topics.ack(a.id);
  client.on('message', (topic, payload) => {
    // Only acks move the window: anything else on down/# (a config, a command) carries no upTo.
    if (topic !== ackTopic) return;
    const ack = (JSON.parse(payload.toString()) as { upTo: number }).upTo;
    const now = performance.now();
    for (let s = upTo + 1; s <= ack; s++) {
      const at = sent.get(s);
      if (at === undefined) continue;
      run.latencies.push(now - at[0]);
      run.acked.push([now - start, at[1]]);
      sent.delete(s);
    }
    upTo = Math.max(upTo, ack);
    wake?.();
  });
  await client.subscribeAsync(topics.downFilter(a.id), { qos: 1 });
  let seq = 0;
  while (performance.now() < deadline) {
    if (seq - upTo >= o.window) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
      wake = undefined;
      continue;
    }
    seq++;
    const check = seq <= 2;
    const b = batches.next(seq, check);
    if (check) selfCheck(seq, b);
    sent.set(seq, [performance.now(), sizes[(seq - 1) % sizes.length] as number]);
    client.publish(topics.batch(a.id), b.payload, { qos: 1 });
  }
  const drainBy = performance.now() + 10_000;
  while (upTo < seq && performance.now() < drainBy) await new Promise((r) => setTimeout(r, 10));
  await client.endAsync(true);
  return run;
}

/** `name value` lines of the Prometheus text format (without labels). */
async function scrape(url: string): Promise<Record<string, number>> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const out: Record<string, number> = {};
  for (const line of (await res.text()).split('\n')) {
    const m =
      /^(outpost_hub_ts_[a-z_]+|outpost_hub_tsdb_[a-z_]+|outpost_hub_samples_stored_total) ([0-9.e+-]+)$/.exec(
        line,
      );
    if (m) out[m[1] as string] = Number(m[2]);
  }
  return out;
}

/** Sustained ingest through `outpost-hub serve` (embedded broker), every batch acknowledged. */
export async function runHub(o: HubRunOptions): Promise<HubRunResult> {
  const devices = new Map<number, SeriesDef[]>();
  const agents = await prepare(o, devices);
  const hub = await spawnHubProcess(o.dir, {
    adminPassword: 'bench-password-0123456789',
    env: {
      OUTPOST_METRICS_TOKEN: METRICS_TOKEN,
      ...(o.databaseUrl ? { OUTPOST_DATABASE_URL: o.databaseUrl } : {}),
      ...o.env,
    },
    // OUTPOST_BENCH_HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the hub (written at exit).
    nodeArgs: process.env.OUTPOST_BENCH_HUB_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
  });
  const pid = hub.proc.pid as number;
  try {
    const before = procStats(pid);
    const start = performance.now();
    const deadline = start + o.seconds * 1000;
    let hwm = 0;
    const sampler = setInterval(() => {
      hwm = Math.max(hwm, procStats(pid).rssMb);
    }, 1000);
    const runs = await Promise.all(
      agents.map((a, i) => runAgent(hub.mqttPort, a, o, start, deadline, i + 1)),
    );
    clearInterval(sampler);
    const elapsedS = (performance.now() - start) / 1000;
    const after = procStats(pid);
    const acked = runs.flatMap((r) => r.acked);
    const latencies = runs.flatMap((r) => r.latencies).sort((x, y) => x - y);
    const windowS = o.seconds >= 120 ? 60 : 10;
    const metrics = await scrape(hub.url);
    const stopStart = performance.now();
    hub.proc.kill('SIGTERM');
    await new Promise((r) => hub.proc.once('exit', r));
    return {
      elapsedS,
      samples: acked.reduce((n, [, s]) => n + s, 0),
      batches: acked.length,
      windows: perWindow(acked, windowS * 1000, o.seconds * 1000),
      windowS,
      ackMs: { p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies.at(-1) ?? 0 },
      hubCpuS: after.cpuS - before.cpuS,
      rssMb: after.rssMb,
      hwmMb: Math.max(hwm, after.hwmMb),
      metrics,
      devices,
      stopS: (performance.now() - stopStart) / 1000,
    };
  } finally {
    if (hub.proc.exitCode === null) hub.proc.kill('SIGKILL');
  }
}
