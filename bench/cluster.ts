// `npm run bench:cluster`: ingest through one hub vs two hubs sharing the agents' traffic on an external
// Mosquitto 2 (shared subscriptions) and one PostgreSQL, then failover. Each run starts its own database, broker
// and `outpost-hub serve` processes; CLUSTER_AGENTS simulated agents (real mqtt.js connections, each with its
// broker account) send CLUSTER_BATCHES batches of CLUSTER_SAMPLES samples, at most 4 ahead of the hub's ack (as
// the agent), after 10 unmeasured warm-up batches each, and the clock stops when every agent holds the ack of its last seq. CPU of each hub process, of
// Mosquitto and of the PostgreSQL server (all its processes) is read from /proc. Failover: with two hubs, the
// leader is killed with SIGKILL mid-stream; agents re-send what is not acknowledged 2 s after their last ack
// (the agent's own timeout is longer); printed: kill -> another hub leads, and kill -> every batch acknowledged.
// Prints figures; asserts nothing.
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode, topics } from '@outpost/protocol';
import type { MqttClient } from 'mqtt';
import { type HubProcess, spawnHubProcess } from '../test/support/hub-process.js';
import { connectAgent } from '../test/support/link.js';
import { startMosquitto } from '../test/support/mosquitto.js';
import { PG_BIN, startPostgres } from '../test/support/postgres.js';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const AGENTS = env('CLUSTER_AGENTS', 20);
const BATCHES = env('CLUSTER_BATCHES', 100);
const SAMPLES = env('CLUSTER_SAMPLES', 100);
const IN_FLIGHT = 4;
const WARM = 10;
const ADMIN = { admin: 'bench-admin', password: 'bench-admin-password' };
const PASSWORD = 'correct-horse-battery-staple-9';

const TICKS = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
function cpuS(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}
/** CPU seconds of the PostgreSQL server listening on `port`: its postmaster and every process it started. */
function postgresCpuS(port: number): number {
  const procs: { pid: number; ppid: number; cmd: string }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      procs.push({ pid: Number(d), ppid: Number(stat[1]), cmd: readFileSync(`/proc/${d}/cmdline`, 'utf8') });
    } catch {
      // gone
    }
  }
  const master = procs.find(
    (p) => p.cmd.startsWith(`${PG_BIN}/postgres\0`) && p.cmd.includes(`-p\0${port}\0`),
  );
  if (!master) return 0;
  return procs
    .filter((p) => p.pid === master.pid || p.ppid === master.pid)
    .reduce((n, p) => n + cpuS(p.pid), 0);
}

interface Agent {
  id: string;
  client: MqttClient;
  device: number;
  upTo: number;
  waiters: (() => void)[];
}

async function run(hubCount: 1 | 2, failover: boolean) {
  const pg = await startPostgres();
  const broker = await startMosquitto({ dynsec: ADMIN });
  const dbUrl = await pg.createDatabase('bench');
  const dirs: string[] = [];
  const hubs: HubProcess[] = [];
  const agents: Agent[] = [];
  const hubEnv = {
    OUTPOST_DATABASE_URL: dbUrl,
    OUTPOST_SECRET_KEY: randomBytes(32).toString('hex'),
    OUTPOST_BROKER_URL: broker.url,
    OUTPOST_BROKER_USERNAME: 'outpost-hub',
    OUTPOST_BROKER_PASSWORD: 'bench-hub-password',
    OUTPOST_BROKER_ADMIN_USERNAME: ADMIN.admin,
    OUTPOST_BROKER_ADMIN_PASSWORD: ADMIN.password,
    OUTPOST_ENROLL_RATE_LIMIT_PER_MINUTE: '10000',
  };
  try {
    for (let i = 0; i < hubCount; i++) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-hub-'));
      dirs.push(dir);
      hubs.push(
        await spawnHubProcess(dir, {
          adminPassword: PASSWORD,
          env: hubEnv,
          externalBroker: true,
          logLevel: 'info',
          timeoutMs: 60_000,
        }),
      );
    }
    const h = hubs[0] as HubProcess;
    let token = '';
    const api = async (method: string, p: string, body?: unknown, hub = h) => {
      const res = await fetch(`${hub.url}${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return text ? JSON.parse(text) : undefined;
    };
    token = (await api('POST', '/api/v1/auth/login', { username: 'admin', password: PASSWORD })).access_token;
    for (let i = 0; i < AGENTS; i++) {
      const site = await api('POST', '/api/v1/sites', { name: `site-${i}` });
      const device = await api('POST', '/api/v1/devices', {
        name: 'sw',
        ip_address: '192.0.2.10',
        site_id: site.id,
        snmp: { version: '2c', community: 'public' },
      });
      const t = await api('POST', '/api/v1/agents/enrollment-tokens', { site_id: site.id });
      const e = await api('POST', '/api/v1/agents/enroll', {
        token: t.token,
        hostname: 'pi',
        version: '0.1.0',
      });
      const client = await connectAgent(e.mqtt.urls[0], e.agent_id, e.secret, { reconnectPeriod: 500 });
      const a: Agent = { id: e.agent_id, client, device: device.id, upTo: 0, waiters: [] };
      client.on('message', (_t, payload) => {
        a.upTo = Math.max(a.upTo, JSON.parse(payload.toString()).upTo);
        for (const w of a.waiters.splice(0)) w();
      });
      await client.subscribeAsync(topics.downFilter(a.id), { qos: 1 });
      agents.push(a);
    }
    const base = Date.now();
    const payload = (a: Agent, seq: number) => {
      const samples = Array.from({ length: SAMPLES }, (_, k) => ({
        device_id: a.device,
        metric: 'if_in_bps',
        value: seq * 1000 + k,
        unit: 'bps',
        ts: base + seq * 1000,
        labels: { if_index: String(k) },
      }));
      const r = encode('batch', { v: 1, seq, sent_at: base, samples, events: [] });
      if (!r.ok) throw new Error(r.error.message);
      return Buffer.from(r.bytes);
    };
    // WARM batches per agent first, not measured (JIT, caches, the first seal); then BATCHES measured.
    const TOTAL = WARM + BATCHES;
    const payloads = agents.map((a) => Array.from({ length: TOTAL }, (_, b) => payload(a, b + 1)));
    for (const [i, a] of agents.entries())
      for (let s = 1; s <= WARM; s++)
        a.client.publish(topics.batch(a.id), payloads[i]?.[s - 1] as Buffer, { qos: 1 });
    while (agents.some((a) => a.upTo < WARM)) await new Promise((r) => setTimeout(r, 20));
    const leads = async (hub: HubProcess) =>
      /^leader/.test(
        (await api('GET', '/api/v1/health', undefined, hub).catch(() => ({})))?.checks?.cluster?.detail ?? '',
      );
    const cpu0 = hubs.map((x) => cpuS(x.proc.pid as number));
    const brokerCpu0 = cpuS(broker.pid() as number);
    const pgCpu0 = postgresCpuS(pg.port);
    let killedAt = 0;
    let leaderAgainMs = 0;
    const start = performance.now();
    await Promise.all([
      ...agents.map(async (a, i) => {
        for (const [b, p] of (payloads[i] ?? []).entries()) {
          if (b < WARM) continue;
          while (b + 1 - a.upTo > IN_FLIGHT) {
            // No ack for 2 s: re-send what is unacknowledged (a hub died with it).
            const got = await Promise.race([
              new Promise<boolean>((r) => a.waiters.push(() => r(true))),
              new Promise<boolean>((r) => setTimeout(() => r(false), 2000)),
            ]);
            if (!got)
              for (let s = a.upTo + 1; s <= b; s++)
                a.client.publish(topics.batch(a.id), payloads[i]?.[s - 1] as Buffer, { qos: 1 });
          }
          a.client.publish(topics.batch(a.id), p, { qos: 1 });
        }
      }),
      (async () => {
        if (!failover) return;
        while (agents.reduce((n, a) => n + a.upTo - WARM, 0) < (AGENTS * BATCHES) / 3)
          await new Promise((r) => setTimeout(r, 20));
        const leader = (await leads(hubs[0] as HubProcess)) ? 0 : 1;
        killedAt = performance.now();
        hubs[leader]?.proc.kill('SIGKILL');
        const other = hubs[1 - leader] as HubProcess;
        while (!(await leads(other))) await new Promise((r) => setTimeout(r, 50));
        leaderAgainMs = performance.now() - killedAt;
      })(),
    ]);
    while (agents.some((a) => a.upTo < TOTAL)) {
      await new Promise((r) => setTimeout(r, 2000));
      for (const [i, a] of agents.entries())
        for (let s = a.upTo + 1; s <= TOTAL; s++)
          a.client.publish(topics.batch(a.id), payloads[i]?.[s - 1] as Buffer, { qos: 1 });
      if (performance.now() - start > 600_000)
        throw new Error('not every batch was acknowledged within 10 minutes');
    }
    const ms = performance.now() - start;
    const samples = AGENTS * BATCHES * SAMPLES;
    // What went wrong in the hubs, by message (warnings and errors), so that a slow run says why.
    const problems = new Map<string, number>();
    for (const x of hubs)
      for (const line of x.lines) {
        try {
          const m = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
          if ((m.level ?? 0) >= 40) {
            const key = `${m.msg}${m.err?.message ? `: ${m.err.message.slice(0, 100)}` : ''}`;
            problems.set(key, (problems.get(key) ?? 0) + 1);
          }
        } catch {
          // not a log line
        }
      }
    for (const [msg, n] of problems) console.log(`  hub log, ${n} x ${msg}`);
    return {
      ms,
      samplesPerS: samples / (ms / 1000),
      hubCpuMsPer1k: hubs.map(
        (x, i) => ((cpuS(x.proc.pid as number) - (cpu0[i] ?? 0)) * 1000) / (samples / 1000),
      ),
      brokerCpuMsPer1k: ((cpuS(broker.pid() as number) - brokerCpu0) * 1000) / (samples / 1000),
      pgCpuMsPer1k: ((postgresCpuS(pg.port) - pgCpu0) * 1000) / (samples / 1000),
      ...(failover ? { leaderAgainMs, allAckedAfterKillMs: ms - (killedAt - start) } : {}),
    };
  } finally {
    for (const a of agents) await a.client.endAsync(true).catch(() => {});
    for (const x of hubs) x.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    for (const x of hubs) x.proc.kill('SIGKILL');
    await broker.close();
    await pg.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

const f = (n: number) => n.toFixed(1);
console.log(
  `bench:cluster  ${os.cpus()[0]?.model} x${os.cpus().length}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, node ${process.version}; ${AGENTS} agents x ${BATCHES} batches x ${SAMPLES} samples`,
);
const one = await run(1, false);
console.log(
  `one hub:  ${Math.round(one.samplesPerS).toLocaleString('en-US')} samples/s; CPU ms per 1,000 samples: hub ${one.hubCpuMsPer1k.map(f).join(' + ')}, mosquitto ${f(one.brokerCpuMsPer1k)}, postgres ${f(one.pgCpuMsPer1k)}`,
);
const two = await run(2, false);
console.log(
  `two hubs: ${Math.round(two.samplesPerS).toLocaleString('en-US')} samples/s (x${(two.samplesPerS / one.samplesPerS).toFixed(2)}); CPU ms per 1,000 samples: hubs ${two.hubCpuMsPer1k.map(f).join(' + ')}, mosquitto ${f(two.brokerCpuMsPer1k)}, postgres ${f(two.pgCpuMsPer1k)}`,
);
const fo = await run(2, true);
console.log(
  `failover (two hubs, the leader killed with SIGKILL a third of the way): another hub leads ${Math.round(fo.leaderAgainMs ?? 0)} ms after the kill; every batch acknowledged ${Math.round(fo.allAckedAfterKillMs ?? 0)} ms after it (${Math.round(fo.samplesPerS).toLocaleString('en-US')} samples/s over the run)`,
);
console.log(
  `load after: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
