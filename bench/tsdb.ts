import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startVictoriaMetrics, type Tsdb } from '../test/support/tsdb.js';
import { INTERVAL_MS, SERIES_PER_DEVICE } from './ingest/fleet.js';
import { type HubRunResult, runHub } from './ingest/hub-run.js';
import { int, machine, procStats } from './ingest/measure.js';
import { storedSamples } from './ingest/tsdb-count.js';

const HELP = `npm run bench:tsdb [-- options]   (each option also as an environment variable)

Sustained ingest through outpost-hub serve (embedded broker, every batch acknowledged) with the time series
in the built-in store, then in VictoriaMetrics (Debian's victoria-metrics, started here on a free port;
remote write before each ingest commit), the same fleet and batches, alternating rounds. Prints samples/s,
ack latency and CPU per 1,000 samples of the hub and of VictoriaMetrics, the medians over rounds and the
ratio, with the machine's conditions; then checks that VictoriaMetrics holds every acknowledged sample once.

  --seconds N   OUTPOST_BENCH_SECONDS   length of each run (default 60)
  --rounds N    OUTPOST_BENCH_ROUNDS    runs per engine, alternating (default 3)
  --agents N    OUTPOST_BENCH_AGENTS    simulated agents, one MQTT connection each (default 8)
  --devices N   OUTPOST_BENCH_DEVICES   switches per agent, a multiple of 4 (default 8)
  --window N    OUTPOST_BENCH_WINDOW    batches in flight per agent (default 4)`;

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    agents: { type: 'string' },
    devices: { type: 'string' },
    window: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
const num = (flag: string | undefined, env: string, def: number) => {
  const v = Number(flag ?? process.env[env] ?? def);
  if (!Number.isInteger(v) || v <= 0)
    throw new Error(`${env}: ${flag ?? process.env[env]} is not a positive integer`);
  return v;
};
const SECONDS = num(flags.seconds, 'OUTPOST_BENCH_SECONDS', 60);
const ROUNDS = num(flags.rounds, 'OUTPOST_BENCH_ROUNDS', 3);
const AGENTS = num(flags.agents, 'OUTPOST_BENCH_AGENTS', 8);
const DEVICES = num(flags.devices, 'OUTPOST_BENCH_DEVICES', 8);
const WINDOW = num(flags.window, 'OUTPOST_BENCH_WINDOW', 4);
const PER_BATCH = 4;
if (DEVICES % PER_BATCH !== 0)
  throw new Error(`OUTPOST_BENCH_DEVICES: ${DEVICES} is not a multiple of ${PER_BATCH}`);

interface Round {
  rate: number;
  samples: number;
  p50: number;
  p99: number;
  hubCpuMs: number;
  tsdbCpuMs?: number;
  tsdbWriteMs?: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const ms = (v: number) => `${v.toFixed(2)} ms`;

function round(r: HubRunResult, tsdbCpuS?: number): Round {
  const m = r.metrics;
  const writes = m.outpost_hub_tsdb_write_seconds_count;
  return {
    rate: r.samples / r.elapsedS,
    samples: r.samples,
    p50: r.ackMs.p50,
    p99: r.ackMs.p99,
    hubCpuMs: (r.hubCpuS * 1e6) / r.samples,
    ...(tsdbCpuS !== undefined ? { tsdbCpuMs: (tsdbCpuS * 1e6) / r.samples } : {}),
    ...(writes ? { tsdbWriteMs: ((m.outpost_hub_tsdb_write_seconds_sum ?? 0) / writes) * 1000 } : {}),
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-tsdb-'));
  let vm: Tsdb | undefined;
  try {
    vm = await startVictoriaMetrics();
    console.log(`machine: ${machine()}`);
    console.log(
      `fleet: ${AGENTS} agents x ${DEVICES} switches (${SERIES_PER_DEVICE} series each: ${int(AGENTS * DEVICES * SERIES_PER_DEVICE)} series), ` +
        `a poll every ${INTERVAL_MS / 1000} s of sample time, batches of ${PER_BATCH} switches, at most ${WINDOW} in flight per agent; ` +
        `${ROUNDS} round(s) of ${SECONDS} s per engine, alternating`,
    );
    const builtin: Round[] = [];
    const tsdb: Round[] = [];
    let acked = 0;
    let firstT0 = Number.POSITIVE_INFINITY;
    for (let i = 0; i < ROUNDS; i++) {
      for (const engine of ['built-in', 'victoria-metrics'] as const) {
        // Each run its own hub and devices (new ids: new series), its samples in its own past 48 h.
        const t0 = Date.now() - 48 * 3_600_000 - (i * 2 + (engine === 'built-in' ? 0 : 1)) * 3_600_000;
        const opts = {
          dir: join(dir, `${engine}-${i}`),
          seconds: SECONDS,
          agents: AGENTS,
          devices: DEVICES,
          devicesPerBatch: PER_BATCH,
          window: WINDOW,
          t0,
        };
        const pid = vm.pid() as number;
        const before = procStats(pid).cpuS;
        const r =
          engine === 'built-in'
            ? await runHub(opts)
            : await runHub({ ...opts, env: { OUTPOST_TSDB_URL: vm.url } });
        const tsdbCpuS = procStats(pid).cpuS - before;
        if (engine === 'built-in') builtin.push(round(r));
        else {
          tsdb.push(round(r, tsdbCpuS));
          acked += r.samples;
          firstT0 = Math.min(firstT0, t0);
        }
        const x = (engine === 'built-in' ? builtin : tsdb).at(-1) as Round;
        console.log(
          `  round ${i + 1} ${engine}: ${int(x.rate)} samples/s (${int(x.samples)} acknowledged), ack p50 ${ms(x.p50)} p99 ${ms(x.p99)}, ` +
            `hub CPU ${ms(x.hubCpuMs)} per 1,000 samples` +
            (x.tsdbCpuMs !== undefined ? `, VictoriaMetrics CPU ${ms(x.tsdbCpuMs)} per 1,000 samples` : '') +
            (x.tsdbWriteMs !== undefined ? `, remote write ${ms(x.tsdbWriteMs)} per request (mean)` : ''),
        );
      }
    }
    const med = (rs: Round[], k: keyof Round) => median(rs.map((r) => r[k] as number));
    console.log('medians:');
    for (const [name, rs] of [
      ['built-in store (SQLite chunks)', builtin],
      ['VictoriaMetrics (remote write)', tsdb],
    ] as const)
      console.log(
        `  ${name}: ${int(med(rs, 'rate'))} samples/s, ack p50 ${ms(med(rs, 'p50'))} p99 ${ms(med(rs, 'p99'))}, hub CPU ${ms(med(rs, 'hubCpuMs'))} per 1,000 samples` +
          (rs === tsdb ? `, VictoriaMetrics CPU ${ms(med(rs, 'tsdbCpuMs'))} per 1,000 samples` : ''),
      );
    console.log(
      `  ratio VictoriaMetrics / built-in: samples/s ${(med(tsdb, 'rate') / med(builtin, 'rate')).toFixed(2)}, ` +
        `hub CPU per sample ${(med(tsdb, 'hubCpuMs') / med(builtin, 'hubCpuMs')).toFixed(2)}`,
    );
    // Every acknowledged sample is in VictoriaMetrics once (a run may store a few batches more than it saw acked).
    const stored = await storedSamples(vm.url, firstT0, acked);
    console.log(
      `check: VictoriaMetrics holds ${int(stored)} samples for ${int(acked)} acknowledged ` +
        `(${stored >= acked ? 'none missing' : `${int(acked - stored)} MISSING`}; more: batches stored after the run's last ack)`,
    );
  } finally {
    await vm?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
