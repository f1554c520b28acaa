// `npm run bench:broker`: what moving the hub from its embedded broker (aedes) to an external Mosquitto 2 costs
// or gains for ingest. One in-process hub (SQLite store) either way; BROKER_AGENTS simulated agents (real mqtt.js
// connections, each with its own broker account on Mosquitto) each send BROKER_BATCHES batches of
// BROKER_SAMPLES samples, at most BROKER_IN_FLIGHT (4, as the agent) ahead of the hub's ack, QoS 1, and the
// clock stops when every agent holds the hub's ack of its last seq (so every batch was committed). Runs
// alternate embedded/external BROKER_REPEAT times; prints medians, the ratio and the process CPU per 1,000 samples (the agents' clients run in the same
// process; Mosquitto's own CPU is read from /proc). BROKER_CONSUMERS sets the hub's consumer connections on the
// external broker (brokerConsumers). Prints figures; asserts nothing.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { encode, topics } from '@outpost/protocol';
import type { MqttClient } from 'mqtt';
import { connectAgent, startTestHub } from '../test/support/link.js';
import { startMosquitto } from '../test/support/mosquitto.js';

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
const AGENTS = env('BROKER_AGENTS', 20);
const BATCHES = env('BROKER_BATCHES', 200);
const SAMPLES = env('BROKER_SAMPLES', 50);
const REPEAT = env('BROKER_REPEAT', 3);
/** Batches an agent sends before the hub's ack of the first (the agent's link_max_in_flight default). */
const IN_FLIGHT = env('BROKER_IN_FLIGHT', 4);
/** The hub's consumer connections on the external broker (its default: 4). */
const CONSUMERS = env('BROKER_CONSUMERS', 4);
const ADMIN = { admin: 'bench-admin', password: 'bench-admin-password' };

const TICKS = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
/** CPU seconds (user + system) of a process, from /proc (Linux). */
function cpuS(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

interface Run {
  ms: number;
  hubCpuMsPer1k: number;
  brokerCpuMsPer1k?: number;
}

async function once(external: boolean): Promise<Run> {
  const broker = external ? await startMosquitto({ dynsec: ADMIN }) : undefined;
  const t = await startTestHub({
    enrollRateLimitPerMinute: 10_000,
    ...(broker
      ? {
          brokerUrl: broker.url,
          brokerUsername: 'outpost-hub',
          brokerPassword: 'bench-hub-password',
          brokerAdminUsername: ADMIN.admin,
          brokerAdminPassword: ADMIN.password,
          brokerConsumers: CONSUMERS,
        }
      : {}),
  });
  const agents: {
    id: string;
    client: MqttClient;
    device: number;
    acked: () => number;
    nextAck: () => Promise<void>;
  }[] = [];
  try {
    for (let i = 0; i < AGENTS; i++) {
      const site = await t.site(`site-${i}`);
      const device = await t.device(site, 'sw', `192.0.2.${(i % 250) + 1}`);
      const e = await t.enroll(site);
      const client = await connectAgent(
        broker ? (e.mqtt.urls[0] as string) : t.mqttUrl,
        e.agent_id,
        e.secret,
      );
      let upTo = 0;
      const waiters: (() => void)[] = [];
      client.on('message', (_topic, payload) => {
        upTo = Math.max(upTo, JSON.parse(payload.toString()).upTo);
        for (const w of waiters.splice(0)) w();
      });
      await client.subscribeAsync(topics.downFilter(e.agent_id), { qos: 1 });
      agents.push({
        id: e.agent_id,
        client,
        device,
        acked: () => upTo,
        nextAck: () => new Promise<void>((r) => waiters.push(r)),
      });
    }
    const base = Date.now();
    const payloads = agents.map((a) =>
      Array.from({ length: BATCHES }, (_, b) => {
        const seq = b + 1;
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
      }),
    );
    const brokerPid = broker?.pid();
    const brokerCpu0 = brokerPid ? cpuS(brokerPid) : 0;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    await Promise.all(
      agents.map(async (a, i) => {
        // As the agent's forwarder does: up to IN_FLIGHT batches the hub has not acknowledged yet.
        for (const [b, p] of (payloads[i] ?? []).entries()) {
          while (b + 1 - a.acked() > IN_FLIGHT) await a.nextAck();
          a.client.publish(topics.batch(a.id), p, { qos: 1 });
        }
      }),
    );
    while (agents.some((a) => a.acked() < BATCHES)) await new Promise((r) => setTimeout(r, 5));
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    const samples = AGENTS * BATCHES * SAMPLES;
    return {
      ms,
      hubCpuMsPer1k: (cpu.user + cpu.system) / 1000 / (samples / 1000),
      ...(brokerPid ? { brokerCpuMsPer1k: ((cpuS(brokerPid) - brokerCpu0) * 1000) / (samples / 1000) } : {}),
    };
  } finally {
    for (const a of agents) await a.client.endAsync(true);
    await t.close();
    await broker?.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

console.log(
  `bench:broker  ${os.cpus()[0]?.model} x${os.cpus().length}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, node ${process.version}`,
);
console.log(
  `${AGENTS} agents x ${BATCHES} batches x ${SAMPLES} samples = ${AGENTS * BATCHES * SAMPLES} samples per run, ${REPEAT} runs each, ${IN_FLIGHT} in flight per agent, ${CONSUMERS} hub consumer connections on the external broker`,
);
const runs: Record<'embedded' | 'external', Run[]> = { embedded: [], external: [] };
for (let r = 0; r < REPEAT; r++) {
  runs.embedded.push(await once(false));
  runs.external.push(await once(true));
}
const samples = AGENTS * BATCHES * SAMPLES;
const rate = (k: 'embedded' | 'external') => samples / (median(runs[k].map((x) => x.ms)) / 1000);
for (const k of ['embedded', 'external'] as const) {
  const b = runs[k].map((x) => x.brokerCpuMsPer1k).filter((x): x is number => x !== undefined);
  console.log(
    `${k.padEnd(9)} median ${median(runs[k].map((x) => x.ms)).toFixed(0)} ms = ${rate(k).toFixed(0)} samples/s ` +
      `(${((AGENTS * BATCHES) / (median(runs[k].map((x) => x.ms)) / 1000)).toFixed(0)} batches/s); ` +
      `hub process CPU ${median(runs[k].map((x) => x.hubCpuMsPer1k)).toFixed(2)} ms per 1,000 samples` +
      (b.length ? `; mosquitto CPU ${median(b).toFixed(2)} ms per 1,000 samples` : ''),
  );
}
console.log(`external / embedded throughput: ${(rate('external') / rate('embedded')).toFixed(2)}`);
