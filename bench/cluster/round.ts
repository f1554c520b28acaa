import { pct, perWindow } from '../ingest/measure.js';
import { storedSamples } from '../ingest/tsdb-count.js';
import { type LoadOptions, SimAgent } from './load.js';
import { type LockWaits, sampleLockWaits } from './lock-waits.js';
import { machineTicks, mainThreadCpuS, postmasterPid, treeCpuS } from './procs.js';
import { DATABASE, type Stack, startStack } from './stack.js';

export interface RoundOptions extends LoadOptions {
  agents: number;
  devices: number;
  devicesPerBatch: number;
  consumers: number;
  warmupS: number;
  seconds: number;
}

/** CPU of one process (or process tree) over the measured window. */
export interface ProcCpu {
  name: string;
  cpuS: number;
}

export interface ThroughputRound {
  hubs: number;
  seconds: number;
  samples: number;
  batches: number;
  p50: number;
  p99: number;
  /** Samples/s acknowledged per 10 s of the window (steady state: the first and last alike). */
  windows: number[];
  cpu: ProcCpu[];
  /** Share of all the machine's cores busy over the window (anything, this benchmark or not). */
  machineBusy: number;
  /** Index of the hub that led at the end of the window. */
  leader: number | undefined;
  /** Main-thread (event loop) CPU seconds of each hub, then of the load generator. */
  mainThreadCpuS: number[];
  /** Per hub: ingest units in progress on average (at most one per consumer connection). */
  hubBusy: number[];
  /** Per hub: batches it handled per second (stored, duplicate or failed). */
  hubBatchRate: number[];
  /** Per hub: mean ingest unit (transaction and remote write) and mean remote write, in ms. */
  unitMs: number[];
  writeMs: number[];
  /** Per hub: events relayed to the other hubs and received from them (PostgreSQL NOTIFY), per second. */
  eventsSent: number[];
  eventsReceived: number[];
  resent: number;
  locks: LockWaits;
  check: StoredCheck;
  /** The hubs' log lines of note in the window (stack.logSummary). */
  log: string[];
}

/** Every sample acknowledged in the round (warm-up and window) against what VictoriaMetrics holds. */
export interface StoredCheck {
  acked: number;
  stored: number;
}

export interface FailoverRound {
  leaderAgainMs: number;
  allAckedMs: number;
  /** From the first re-send after the kill to every batch sent before the kill acknowledged. */
  afterResendMs: number;
  resent: number;
  check: StoredCheck;
  /** The hubs' log lines of note from the kill on. */
  log: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Snapshot {
  at: number;
  procs: number[];
  /** Main-thread CPU of each hub, then of this process. */
  mainThreads: number[];
  self: NodeJS.CpuUsage;
  machine: { busy: number; total: number };
  metrics: Record<string, number>[];
}

async function snapshot(stack: Stack, pgPid: number): Promise<Snapshot> {
  const pids = [
    ...stack.hubs.map((h) => h.proc.pid as number),
    stack.broker.pid() as number,
    pgPid,
    stack.vm.pid() as number,
  ];
  const metrics = await stack.scrape();
  return {
    at: performance.now(),
    procs: pids.map(treeCpuS),
    mainThreads: [...stack.hubs.map((h) => h.proc.pid as number), process.pid].map(mainThreadCpuS),
    self: process.cpuUsage(),
    machine: machineTicks(),
    metrics,
  };
}

async function storedCheck(stack: Stack, agents: SimAgent[], t0: number): Promise<StoredCheck> {
  const acked = agents.reduce((n, a) => n + a.acks.reduce((m, k) => m + k.samples, 0), 0);
  return { acked, stored: await storedSamples(stack.vm.url, t0, acked) };
}

async function withFleet<T>(
  hubs: number,
  o: RoundOptions,
  fn: (stack: Stack, agents: SimAgent[]) => Promise<T>,
): Promise<T> {
  const stack = await startStack({
    hubs,
    agents: o.agents,
    devices: o.devices,
    devicesPerBatch: o.devicesPerBatch,
    consumers: o.consumers,
  });
  const agents: SimAgent[] = [];
  try {
    for (const [i, f] of stack.fleet.entries()) agents.push(await SimAgent.connect(f, o, i + 1));
    return await fn(stack, agents);
  } finally {
    await Promise.all(agents.map((a) => a.close()));
    await stack.close();
  }
}

/** Steady ingest through `hubs` hubs: warm-up (not counted), then `seconds` in which acks are counted. */
export function throughputRound(hubs: number, o: RoundOptions): Promise<ThroughputRound> {
  return withFleet(hubs, o, async (stack, agents) => {
    const pgPid = postmasterPid(stack.pg.port);
    const driving = agents.map((a) => a.drive());
    await sleep(o.warmupS * 1000);
    const s0 = await snapshot(stack, pgPid);
    const mark = stack.logMark();
    const sampler = await sampleLockWaits(stack.pg.url(DATABASE), DATABASE);
    await sleep(o.seconds * 1000);
    const locks = await sampler.stop();
    const s1 = await snapshot(stack, pgPid);
    const leader = await stack.leader();
    for (const a of agents) a.stop();
    await Promise.all(driving);
    const check = await storedCheck(stack, agents, o.t0);
    const windowS = (s1.at - s0.at) / 1000;
    const acks = agents.flatMap((a) => a.acks).filter((k) => k.at >= s0.at && k.at < s1.at);
    const latencies = acks.map((k) => k.latencyMs).sort((x, y) => x - y);
    const names = [...stack.hubs.map((_h, i) => `hub ${i + 1}`), 'mosquitto', 'postgres', 'victoria-metrics'];
    const self = process.cpuUsage(s0.self);
    const delta = (i: number, k: string) => (s1.metrics[i]?.[k] ?? 0) - (s0.metrics[i]?.[k] ?? 0);
    const handled = (i: number) =>
      Object.keys(s1.metrics[i] ?? {})
        .filter((k) => k.startsWith('outpost_hub_batches_total{'))
        .reduce((n, k) => n + delta(i, k), 0);
    const perHub = stack.hubs.map((_h, i) => ({
      busy: delta(i, 'outpost_hub_batch_ingest_seconds_sum') / windowS,
      batchRate: handled(i) / windowS,
      unitMs:
        (delta(i, 'outpost_hub_batch_ingest_seconds_sum') /
          delta(i, 'outpost_hub_batch_ingest_seconds_count')) *
        1000,
      writeMs:
        (delta(i, 'outpost_hub_tsdb_write_seconds_sum') / delta(i, 'outpost_hub_tsdb_write_seconds_count')) *
        1000,
      sent: delta(i, 'outpost_hub_cluster_events_total{what="sent"}') / windowS,
      received: delta(i, 'outpost_hub_cluster_events_total{what="received"}') / windowS,
    }));
    return {
      hubs,
      seconds: windowS,
      samples: acks.reduce((n, k) => n + k.samples, 0),
      batches: acks.length,
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      windows: perWindow(
        acks.map((k) => [k.at - s0.at, k.samples]),
        10_000,
        windowS * 1000,
      ),
      cpu: [
        ...names.map((name, i) => ({ name, cpuS: (s1.procs[i] ?? 0) - (s0.procs[i] ?? 0) })),
        { name: 'load generator', cpuS: (self.user + self.system) / 1e6 },
      ],
      machineBusy: (s1.machine.busy - s0.machine.busy) / (s1.machine.total - s0.machine.total),
      leader,
      mainThreadCpuS: s1.mainThreads.map((v, i) => v - (s0.mainThreads[i] ?? 0)),
      hubBusy: perHub.map((h) => h.busy),
      hubBatchRate: perHub.map((h) => h.batchRate),
      unitMs: perHub.map((h) => h.unitMs),
      writeMs: perHub.map((h) => h.writeMs),
      eventsSent: perHub.map((h) => h.sent),
      eventsReceived: perHub.map((h) => h.received),
      resent: agents.reduce((n, a) => n + a.resent, 0),
      locks,
      check,
      log: stack.logSummary(mark),
    };
  });
}

/**
 * Two hubs under load; after the warm-up and `killAfterS`, the leader is killed with SIGKILL. Measured from
 * the kill: until the other hub leads, and until every batch sent before the kill is acknowledged.
 */
export function failoverRound(o: RoundOptions & { killAfterS: number }): Promise<FailoverRound> {
  return withFleet(2, o, async (stack, agents) => {
    const driving = agents.map((a) => a.drive());
    await sleep((o.warmupS + o.killAfterS) * 1000);
    const leader = await stack.leader();
    if (leader === undefined) throw new Error('failover: no hub leads before the kill');
    const sentBefore = agents.map((a) => a.seq);
    const resent0 = agents.reduce((n, a) => n + a.resent, 0);
    const mark = stack.logMark();
    const killedAt = performance.now();
    stack.hubs[leader]?.proc.kill('SIGKILL');
    let leaderAgainMs: number | undefined;
    let allAckedMs: number | undefined;
    while (leaderAgainMs === undefined || allAckedMs === undefined) {
      const now = performance.now();
      if (now - killedAt > 120_000)
        throw new Error(
          `failover: after 120 s ${leaderAgainMs === undefined ? 'no hub leads' : 'batches sent before the kill are still unacknowledged'}`,
        );
      if (allAckedMs === undefined && agents.every((a, i) => a.upTo >= (sentBefore[i] ?? 0)))
        allAckedMs = now - killedAt;
      if (leaderAgainMs === undefined) {
        const l = await stack.leader();
        if (l !== undefined && l !== leader) leaderAgainMs = performance.now() - killedAt;
      }
      await sleep(20);
    }
    for (const a of agents) a.stop();
    await Promise.all(driving);
    const check = await storedCheck(stack, agents, o.t0);
    const firstResend = Math.min(...agents.flatMap((a) => a.resends.filter((t) => t > killedAt)));
    return {
      leaderAgainMs,
      allAckedMs,
      afterResendMs: Number.isFinite(firstResend) ? killedAt + allAckedMs - firstResend : Number.NaN,
      resent: agents.reduce((n, a) => n + a.resent, 0) - resent0,
      check,
      log: stack.logSummary(mark),
    };
  });
}
