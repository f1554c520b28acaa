import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import {
  type FailoverRound,
  failoverRound,
  type StoredCheck,
  type ThroughputRound,
  throughputRound,
} from './cluster/round.js';
import { SERIES_PER_DEVICE } from './ingest/fleet.js';
import { int, machine, median } from './ingest/measure.js';

const HELP = `npm run bench:cluster [-- options]   (each option also as an environment variable)

One hub against two hubs in the documented multi-hub setup: Mosquitto 2 with dynamic security (every
simulated agent its own broker client, made by enrollment), one PostgreSQL 15 and the time series in
VictoriaMetrics (tsdbUrl); each round starts all of them fresh and enrolls the fleet through the API.
Rounds alternate one hub / two hubs. The simulated agents (real MQTT connections) send the ingest
benchmark's compact batches, at most --window unacknowledged each; after --warmup seconds (not counted),
only batches acknowledged in the next --seconds count. Prints per round and as medians: samples/s and
batches/s, ack p50/p99, CPU per 1,000 samples and share of a core of each hub, Mosquitto, PostgreSQL (the
server and all its processes), VictoriaMetrics and this process (the load generator), the ratio two/one
and what bounds the rate. Then failover rounds: two hubs, the leader killed with SIGKILL --kill-after
seconds after the warm-up; printed: kill -> the other hub leads, kill -> every batch sent before the kill
acknowledged, and from the agents' first re-send to then (agents re-send what is unacknowledged after
--failover-ack-timeout ms without an ack, as the agent does after its ack_timeout_ms, 30 s by default).

  --seconds N          OUTPOST_BENCH_SECONDS          measured window of each throughput round (default 45)
  --warmup N           OUTPOST_BENCH_WARMUP           seconds of load before the window (default 10)
  --rounds N           OUTPOST_BENCH_ROUNDS           throughput rounds per hub count, 0 for none (default 3)
  --failover-rounds N  OUTPOST_BENCH_FAILOVER_ROUNDS  failover rounds, 0 for none (default 3)
  --kill-after N       OUTPOST_BENCH_KILL_AFTER       seconds of load after the warm-up before the kill (default 5)
  --agents N           OUTPOST_BENCH_AGENTS           simulated agents, one MQTT connection each (default 16)
  --devices N          OUTPOST_BENCH_DEVICES          switches per agent, a multiple of 4 (default 8)
  --window N           OUTPOST_BENCH_WINDOW           batches in flight per agent (default 4, as the agent)
  --consumers N        OUTPOST_BENCH_CONSUMERS        each hub's brokerConsumers (default 4, the hub's default)
  --ack-timeout N      OUTPOST_BENCH_ACK_TIMEOUT      throughput rounds: ms without an ack before re-sending
                                                      (default 30000, the agent's ack_timeout_ms)
  --failover-ack-timeout N  OUTPOST_BENCH_FAILOVER_ACK_TIMEOUT  the same in failover rounds (default 5000)`;

const OPTIONS = {
  seconds: ['OUTPOST_BENCH_SECONDS', 45],
  warmup: ['OUTPOST_BENCH_WARMUP', 10],
  rounds: ['OUTPOST_BENCH_ROUNDS', 3],
  'failover-rounds': ['OUTPOST_BENCH_FAILOVER_ROUNDS', 3],
  'kill-after': ['OUTPOST_BENCH_KILL_AFTER', 5],
  agents: ['OUTPOST_BENCH_AGENTS', 16],
  devices: ['OUTPOST_BENCH_DEVICES', 8],
  window: ['OUTPOST_BENCH_WINDOW', 4],
  consumers: ['OUTPOST_BENCH_CONSUMERS', 4],
  'ack-timeout': ['OUTPOST_BENCH_ACK_TIMEOUT', 30_000],
  'failover-ack-timeout': ['OUTPOST_BENCH_FAILOVER_ACK_TIMEOUT', 5000],
} as const;
type Option = keyof typeof OPTIONS;

const { values: flags } = parseArgs({
  options: {
    ...(Object.fromEntries(Object.keys(OPTIONS).map((k) => [k, { type: 'string' }])) as Record<
      Option,
      { type: 'string' }
    >),
    help: { type: 'boolean' },
  },
});
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
function opt(name: Option, min: number): number {
  const [env, def] = OPTIONS[name];
  const raw = flags[name] ?? process.env[env];
  const v = Number(raw ?? def);
  if (!Number.isInteger(v) || v < min)
    throw new Error(`--${name} (${env}): ${raw} is not an integer >= ${min}`);
  return v;
}
const PER_BATCH = 4;
const o = {
  seconds: opt('seconds', 1),
  warmupS: opt('warmup', 0),
  agents: opt('agents', 1),
  devices: opt('devices', PER_BATCH),
  devicesPerBatch: PER_BATCH,
  window: opt('window', 1),
  ackTimeoutMs: opt('ack-timeout', 100),
  killAfterS: opt('kill-after', 0),
  consumers: opt('consumers', 1),
  t0: 0,
};
const FAILOVER_ACK_TIMEOUT = opt('failover-ack-timeout', 100);
const ROUNDS = opt('rounds', 0);
const FAILOVER_ROUNDS = opt('failover-rounds', 0);
if (o.devices % PER_BATCH !== 0)
  throw new Error(`--devices (OUTPOST_BENCH_DEVICES): ${o.devices} is not a multiple of ${PER_BATCH}`);

const ms = (v: number) => `${v.toFixed(1)} ms`;
const share = (cpuS: number, r: ThroughputRound) => `${Math.round((cpuS / r.seconds) * 100)}%`;
const per1k = (cpuS: number, r: ThroughputRound) => ms((cpuS * 1e6) / Math.max(1, r.samples));
const rate = (r: ThroughputRound) => r.samples / r.seconds;

/** What bounds the rate of a round, from the CPU shares, the machine's busy time and where batches wait. */
function bound(r: ThroughputRound): string {
  const top = [...r.cpu].sort((a, b) => b.cpuS - a.cpuS)[0] as { name: string; cpuS: number };
  const topShare = top.cpuS / r.seconds;
  if (r.machineBusy >= 0.9)
    return `the machine's CPU (${Math.round(r.machineBusy * 100)}% of all cores busy; most: ${top.name} at ${Math.round(topShare * 100)}% of a core)`;
  if (topShare >= 0.85)
    return `${top.name === 'load generator' ? 'none of the servers: the load generator' : top.name}, at ${Math.round(topShare * 100)}% of a core`;
  const loops = r.mainThreadCpuS.map((cpuS, i) => ({
    name: i < r.hubs ? `hub ${i + 1}` : 'the load generator',
    share: cpuS / r.seconds,
  }));
  const loop = [...loops].sort((a, b) => b.share - a.share)[0];
  if (loop && loop.share >= 0.85)
    return `${loop.name}'s event loop (its main thread at ${Math.round(loop.share * 100)}% of a core; no process near a full core)`;
  const inProgress = Math.max(...r.hubBusy);
  const lockWaits = `PostgreSQL lock waits in ${Math.round(r.locks.anyWaiting * 100)}% of the samples`;
  if (inProgress >= 0.8 * o.consumers)
    return (
      `the hubs' consumer connections (no process near a full core): ${o.consumers} per hub, each handling one delivery at a time, ` +
      `were nearly all in an ingest unit (${inProgress.toFixed(1)} units in progress on average), so batches waited at the broker; ` +
      `a unit takes its remote write and its turn on the agent's ledger row (${lockWaits})`
    );
  const perBatch = Math.max(...r.hubBatchRate.map((b) => 1000 / b));
  if (r.p50 >= 3 * perBatch)
    return (
      `the hubs' handling outside the ingest units (no process near a full core; ${inProgress.toFixed(1)} of ${o.consumers} consumers in a unit on average): ` +
      `batches wait at the broker (ack p50 ${ms(r.p50)} against a batch handled every ${ms(perBatch)} per hub) while the consumers decode, ` +
      `publish acks and wait for their event loop (main thread at ${loops
        .slice(0, r.hubs)
        .map((l) => `${Math.round(l.share * 100)}%`)
        .join(' / ')} of a core)`
    );
  return `none of the servers: the agents' window (${o.window} unacknowledged each) and the latency of each batch`;
}

function logLines(log: string[]): string[] {
  return log.length ? [`    hub logs: ${log.slice(0, 6).join('; ')}`] : [];
}

function checkLine(c: StoredCheck): string {
  return (
    `check: VictoriaMetrics holds ${int(c.stored)} samples for ${int(c.acked)} acknowledged in the round ` +
    `(${c.stored >= c.acked ? 'none missing' : `${int(c.acked - c.stored)} MISSING`}; more: batches stored whose ack came after the agents stopped)`
  );
}

function roundLine(i: number, r: ThroughputRound): string {
  return [
    `  round ${i + 1}, ${r.hubs} hub${r.hubs > 1 ? 's' : ''}: ${int(rate(r))} samples/s, ${int(r.batches / r.seconds)} batches/s ` +
      `(${int(r.samples)} samples acknowledged in ${r.seconds.toFixed(1)} s; per 10 s: ${r.windows.map(int).join(', ')}), ack p50 ${ms(r.p50)} p99 ${ms(r.p99)}`,
    `    CPU per 1,000 samples and share of a core: ${r.cpu.map((c) => `${c.name} ${per1k(c.cpuS, r)} ${share(c.cpuS, r)}`).join(', ')}; machine ${Math.round(r.machineBusy * 100)}% of all ${cpus().length} cores busy, ` +
      `${(r.cpu.reduce((n, c) => n + c.cpuS, 0) / r.seconds).toFixed(2)} cores of it these processes; main threads (event loops): ${r.mainThreadCpuS
        .map((c, i) => `${i < r.hubs ? `hub ${i + 1}` : 'load generator'} ${share(c, r)}`)
        .join(', ')}`,
    `    hubs: ${r.hubBusy
      .map(
        (b, h) =>
          `hub ${h + 1}${r.leader === h ? ' (leader)' : ''} handled ${int(r.hubBatchRate[h] ?? 0)} batches/s (one every ${ms(1000 / (r.hubBatchRate[h] ?? 1))}), ` +
          `its ingest units (transaction with the remote write) ${ms(r.unitMs[h] ?? 0)} each, of which remote write ${ms(r.writeMs[h] ?? 0)}, ` +
          `${b.toFixed(1)} units in progress on average (of ${o.consumers} consumers); events relayed ${int(r.eventsSent[h] ?? 0)}/s out, ${int(r.eventsReceived[h] ?? 0)}/s in`,
      )
      .join('; ')}${r.resent ? `; ${r.resent} batches re-sent` : ''}`,
    `    PostgreSQL (sampled every 100 ms): ${r.locks.activeMean.toFixed(2)} of the hubs' backends running a statement on average, ` +
      `${r.locks.waitingMean.toFixed(2)} of them waiting for a lock; a lock wait in ${Math.round(r.locks.anyWaiting * 100)}% of the samples` +
      r.locks.statements
        .slice(0, 2)
        .map(([q, n], i) => `${i === 0 ? '; waiting most: ' : ', then: '}"${q}" (${n} times)`)
        .join(''),
    `    bound: ${bound(r)}`,
    `    ${checkLine(r.check)}`,
    ...logLines(r.log),
  ].join('\n');
}

function medianLine(rs: ThroughputRound[]): string {
  const m = (f: (r: ThroughputRound) => number) => median(rs.map(f));
  const names = rs[0]?.cpu.map((c) => c.name) ?? [];
  const cpu = names.map((n) => {
    const c = (r: ThroughputRound) => r.cpu.find((x) => x.name === n)?.cpuS ?? 0;
    return `${n} ${ms(m((r) => (c(r) * 1e6) / r.samples))} ${Math.round(m((r) => c(r) / r.seconds) * 100)}%`;
  });
  return (
    `  ${rs[0]?.hubs} hub${(rs[0]?.hubs ?? 1) > 1 ? 's' : ''}: ${int(m(rate))} samples/s, ${int(m((r) => r.batches / r.seconds))} batches/s, ` +
    `ack p50 ${ms(m((r) => r.p50))} p99 ${ms(m((r) => r.p99))}\n    CPU per 1,000 samples and share of a core: ${cpu.join(', ')}`
  );
}

async function main() {
  console.log(`machine: ${machine()}`);
  const samplesPerBatch = PER_BATCH * SERIES_PER_DEVICE;
  console.log(
    `fleet: ${o.agents} agents x ${o.devices} switches (${int(o.agents * o.devices * SERIES_PER_DEVICE)} series), compact batches of ${PER_BATCH} switches ` +
      `(${samplesPerBatch} samples), at most ${o.window} unacknowledged per agent; ${o.consumers} consumer connections per hub; ${ROUNDS} round(s) per hub count, alternating, ` +
      `each ${o.warmupS} s warm-up + ${o.seconds} s measured, everything started fresh; then ${FAILOVER_ROUNDS} failover round(s)`,
  );
  const runs: Record<1 | 2, ThroughputRound[]> = { 1: [], 2: [] };
  for (let i = 0; i < ROUNDS; i++)
    for (const hubs of [1, 2] as const) {
      // Each round's samples in a past hour of their own (sample time runs faster than real time).
      const t0 = Date.now() - (48 + i * 2 + hubs) * 3_600_000;
      const r = await throughputRound(hubs, { ...o, t0 });
      runs[hubs].push(r);
      console.log(roundLine(i, r));
    }
  if (ROUNDS > 0) {
    console.log('medians:');
    console.log(medianLine(runs[1]));
    console.log(medianLine(runs[2]));
    console.log(
      `  ratio two hubs / one hub: ${(median(runs[2].map(rate)) / median(runs[1].map(rate))).toFixed(2)} (samples/s)`,
    );
  }
  const fo: FailoverRound[] = [];
  for (let i = 0; i < FAILOVER_ROUNDS; i++) {
    const r = await failoverRound({
      ...o,
      ackTimeoutMs: FAILOVER_ACK_TIMEOUT,
      t0: Date.now() - (30 + i) * 3_600_000,
    });
    fo.push(r);
    console.log(
      `  failover ${i + 1}: the leader killed (SIGKILL) ${o.killAfterS} s after the warm-up; the other hub leads after ${int(r.leaderAgainMs)} ms; ` +
        `every batch sent before the kill acknowledged after ${int(r.allAckedMs)} ms, ` +
        `${int(r.afterResendMs)} ms after the agents' first re-send (${r.resent} batches re-sent; ack timeout ${int(FAILOVER_ACK_TIMEOUT)} ms)\n    ${checkLine(r.check)}${logLines(
          r.log,
        )
          .map((l) => `\n${l}`)
          .join('')}`,
    );
  }
  if (fo.length > 0)
    console.log(
      `failover medians: another hub leads ${int(median(fo.map((r) => r.leaderAgainMs)))} ms after the kill; ` +
        `every batch sent before it acknowledged ${int(median(fo.map((r) => r.allAckedMs)))} ms after it, ` +
        `${int(median(fo.map((r) => r.afterResendMs)))} ms after the agents' first re-send (ack timeout ${int(FAILOVER_ACK_TIMEOUT)} ms)`,
    );
  console.log(`machine at the end: ${machine()}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
