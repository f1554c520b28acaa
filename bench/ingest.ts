import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encode, topics } from '@outpost/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { hashAgentSecret } from '../hub/src/auth/agent-credentials.js';
import { openDatabase } from '../hub/src/store/sqlite/database.js';
import { openSqliteStore } from '../hub/src/store/sqlite/index.js';
import { spawnHubProcess } from '../test/support/hub-process.js';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string' },
    agents: { type: 'string' },
    samples: { type: 'string' },
    window: { type: 'string' },
    devices: { type: 'string' },
  },
});
const num = (flag: string | undefined, env: string, def: number) => Number(flag ?? process.env[env] ?? def);
const SECONDS = num(flags.seconds, 'OUTPOST_BENCH_SECONDS', 60);
const AGENTS = num(flags.agents, 'OUTPOST_BENCH_AGENTS', 8);
const SAMPLES = num(flags.samples, 'OUTPOST_BENCH_SAMPLES', 1000);
const WINDOW = num(flags.window, 'OUTPOST_BENCH_WINDOW', 4);
const DEVICES = num(flags.devices, 'OUTPOST_BENCH_DEVICES', 20);

const TICKS = 100; // USER_HZ on Linux

function procStats(pid: number): { cpuS: number; rssMb: number; hwmMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuS = (Number(fields[11]) + Number(fields[12])) / TICKS;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuS, rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

interface Setup {
  agents: { id: string; secret: string; devices: number[] }[];
}

/** Creates sites, devices and agents (with known secrets) directly in the hub's store. */
async function prepare(dir: string): Promise<Setup> {
  const store = openSqliteStore(join(dir, 'hub.db'));
  const now = Date.now();
  const agents: Setup['agents'] = [];
  await store.unit(async (tx) => {
    for (let a = 0; a < AGENTS; a++) {
      const site = (await tx.sites.insert({ name: `bench-${a}` }, now)).id;
      const devices: number[] = [];
      for (let d = 0; d < DEVICES; d++) {
        const device = await tx.devices.insert(
          {
            name: `d${a}-${d}`,
            ip_address: `10.${a}.${d >> 8}.${d & 255}`,
            site_id: site,
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
        devices.push(device.id);
      }
      const id = `bench-agent-${a}`;
      const secret = `bench-secret-${a}-${now}`;
      await tx.agents.create({
        id,
        site_id: site,
        hostname: id,
        version: 'bench',
        secret_hash: hashAgentSecret(secret),
        created_at: now,
      });
      agents.push({ id, secret, devices });
    }
  });
  await store.close();
  return { agents };
}

/** The samples of one batch: `SAMPLES` values spread over the agent's devices, interfaces and metrics. */
function batchSamples(devices: number[], seq: number, t0: number) {
  const ts = t0 + seq * 1000;
  const out = [];
  const metrics = ['if_in_bps', 'if_out_bps', 'if_in_errors', 'if_out_errors'];
  for (let i = 0; i < SAMPLES; i++) {
    const device = devices[i % devices.length] as number;
    const n = Math.floor(i / devices.length);
    out.push({
      device_id: device,
      metric: metrics[n % metrics.length] as string,
      value: (seq * 7 + i) % 1000,
      unit: 'bps',
      ts,
      labels: { if_index: String(Math.floor(n / metrics.length)) },
    });
  }
  return out;
}

function spawnHub(dir: string) {
  return spawnHubProcess(dir, {
    adminPassword: 'bench-password-0123456789',
    // OUTPOST_BENCH_HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the hub (written at exit).
    nodeArgs: process.env.OUTPOST_BENCH_HUB_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
  });
}

interface AgentRun {
  batches: number;
  latencies: number[];
}

/** One simulated agent: publishes batch after batch, never more than WINDOW unacknowledged. */
async function runAgent(
  port: number,
  a: Setup['agents'][number],
  t0: number,
  deadline: number,
): Promise<AgentRun> {
  const client: MqttClient = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: a.id,
    username: a.id,
    password: a.secret,
    reconnectPeriod: 0,
    protocolVersion: 4,
  });
  const sentAt = new Map<number, number>();
  const run: AgentRun = { batches: 0, latencies: [] };
  let upTo = 0;
  let wake: (() => void) | undefined;
  client.on('message', (_t, payload) => {
    const ack = (JSON.parse(payload.toString()) as { upTo: number }).upTo;
    const now = performance.now();
    for (let s = upTo + 1; s <= ack; s++) {
      const at = sentAt.get(s);
      if (at !== undefined) {
        run.latencies.push(now - at);
        sentAt.delete(s);
        run.batches++;
      }
    }
    upTo = Math.max(upTo, ack);
    wake?.();
  });
  await client.subscribeAsync(topics.downFilter(a.id), { qos: 1 });
  // Payloads are encoded ahead of the clock, as an agent's outbox would already hold them, and split around
  // their seq and timestamps so that each send only joins strings (the client must not eat the hub's CPU).
  const templates: string[][] = [];
  const pool = 16;
  for (let i = 0; i < pool; i++) {
    const r = encode('batch', {
      v: 1,
      seq: 1,
      sent_at: t0,
      samples: batchSamples(a.devices, i, t0),
      events: [],
    });
    if (!r.ok) throw new Error(r.error.message);
    const text = Buffer.from(r.bytes)
      .toString()
      .replace(/^\{"v":1,"seq":1,/, '');
    templates.push(text.split(`"ts":${t0 + i * 1000}`));
  }
  let seq = 0;
  while (performance.now() < deadline) {
    if (seq - upTo >= WINDOW) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
      wake = undefined;
      continue;
    }
    seq++;
    // The same size and shape as the pooled batch, with its own seq and timestamps (unique rows).
    const text = `{"v":1,"seq":${seq},${(templates[seq % pool] as string[]).join(`"ts":${t0 + seq * 1000}`)}`;
    sentAt.set(seq, performance.now());
    client.publish(topics.batch(a.id), text, { qos: 1 });
  }
  const drainBy = performance.now() + 5000;
  while (upTo < seq && performance.now() < drainBy) await new Promise((r) => setTimeout(r, 10));
  await client.endAsync(true);
  return run;
}

const RAW_CHUNK = 200;

/**
 * The same rows inserted straight into SQLite, the best way this machine allows: 200-row multi-row inserts
 * and `batchesPerTxn` batches per transaction (8 matches the hub's group commit of 8 agents). No MQTT, no
 * decoding, no acks: the ceiling the hub is measured against.
 */
function rawInsertRate(dir: string, totalRows: number, seriesCount: number, batchesPerTxn: number): number {
  const db = openDatabase(join(dir, `raw-${batchesPerTxn}.db`));
  const seriesIds: number[] = [];
  const mk = db.prepare(
    "INSERT INTO series (target_kind, target_id, metric, labels) VALUES ('device', ?, 'm', '{}')",
  );
  db.transaction(() => {
    for (let i = 0; i < seriesCount; i++) seriesIds.push(Number(mk.run(String(i)).lastInsertRowid));
  })();
  const insert = db.prepare(
    `INSERT INTO samples (series_id, ts, value) VALUES ${Array(RAW_CHUNK).fill('(?, ?, ?)').join(', ')}`,
  );
  const insertOne = db.prepare('INSERT INTO samples (series_id, ts, value) VALUES (?, ?, ?)');
  const params: number[] = new Array(RAW_CHUNK * 3);
  const group = db.transaction((firstSeq: number) => {
    for (let seq = firstSeq; seq < firstSeq + batchesPerTxn; seq++) {
      // Each simulated agent owns SAMPLES series, as in the hub run.
      const base = (seq % (seriesIds.length / SAMPLES)) * SAMPLES;
      const ts = 1_700_000_000_000 + seq * 1000;
      let i = 0;
      for (; i + RAW_CHUNK <= SAMPLES; i += RAW_CHUNK) {
        for (let j = 0; j < RAW_CHUNK; j++) {
          params[j * 3] = seriesIds[base + i + j] as number;
          params[j * 3 + 1] = ts;
          params[j * 3 + 2] = i + j;
        }
        insert.run(params);
      }
      for (; i < SAMPLES; i++) insertOne.run(seriesIds[base + i], ts, i);
    }
  });
  // The hub's row count, but at most ~15 s of inserting (enough for a stable rate).
  const rows = Math.max(totalRows, SAMPLES * 200);
  const start = performance.now();
  let done = 0;
  for (let seq = 0; done < rows && performance.now() - start < 15_000; seq += batchesPerTxn) {
    group(seq);
    done += SAMPLES * batchesPerTxn;
  }
  const s = (performance.now() - start) / 1000;
  db.close();
  return done / s;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-'));
  const setup = await prepare(dir);
  const { proc, mqttPort } = await spawnHub(dir);
  const pid = proc.pid as number;
  try {
    // Recent timestamps (one second apart per batch), as live agents send: inside raw retention.
    const t0 = Date.now() - 3_600_000;
    const before = procStats(pid);
    const start = performance.now();
    const deadline = start + SECONDS * 1000;
    let peakRss = 0;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, procStats(pid).rssMb);
    }, 500);
    const runs = await Promise.all(setup.agents.map((a) => runAgent(mqttPort, a, t0, deadline)));
    clearInterval(sampler);
    const elapsed = (performance.now() - start) / 1000;
    const afterStats = procStats(pid);
    const batches = runs.reduce((n, r) => n + r.batches, 0);
    const samples = batches * SAMPLES;
    const latencies = runs.flatMap((r) => r.latencies).sort((x, y) => x - y);
    const hubRate = samples / elapsed;
    const rawPerBatch = rawInsertRate(dir, samples, setup.agents.length * SAMPLES, 1);
    const rawGrouped = rawInsertRate(dir, samples, setup.agents.length * SAMPLES, setup.agents.length);
    const raw = Math.max(rawPerBatch, rawGrouped);
    const cpu = ((afterStats.cpuS - before.cpuS) / elapsed) * 100;
    const lines = [
      `machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, node ${process.version}`,
      `run: ${setup.agents.length} agents, ${SAMPLES} samples/batch, ${WINDOW} batches in flight per agent, ${elapsed.toFixed(1)} s`,
      `stored (acknowledged): ${samples.toLocaleString('en-US')} samples in ${batches.toLocaleString('en-US')} batches`,
      `samples/s: ${Math.round(hubRate).toLocaleString('en-US')}`,
      `batches/s: ${(batches / elapsed).toFixed(1)}`,
      `ack latency: p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms, max ${(latencies.at(-1) ?? 0).toFixed(1)} ms`,
      `hub process: CPU ${cpu.toFixed(0)}% of one core, RSS ${afterStats.rssMb.toFixed(0)} MiB (peak sampled ${peakRss.toFixed(0)} MiB, high-water ${afterStats.hwmMb.toFixed(0)} MiB)`,
      `raw SQLite inserts (same rows, 200-row inserts, this machine): one transaction per batch ${Math.round(rawPerBatch).toLocaleString('en-US')} rows/s, ${setup.agents.length} batches per transaction ${Math.round(rawGrouped).toLocaleString('en-US')} rows/s`,
      `ratio hub/raw (best raw): ${(hubRate / raw).toFixed(2)}`,
    ];
    console.log(lines.join('\n'));
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
