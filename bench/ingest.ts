import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type RunningPostgres, startPostgres } from '../test/support/postgres.js';
import { diskFigures } from './ingest/disk.js';
import { INTERVAL_MS, KINDS, SERIES_PER_DEVICE } from './ingest/fleet.js';
import { runHub } from './ingest/hub-run.js';
import { int, machine } from './ingest/measure.js';
import { runRead } from './ingest/read-run.js';
import { runStore, type StoreRunResult } from './ingest/store-run.js';

const HELP = `npm run bench:ingest [-- options]   (each option also as an environment variable)

Sustained ingest through outpost-hub serve (embedded broker, every batch acknowledged), then the same
batches stored in this process in the chunk layout and in the old row-per-sample layout, then 24 h reads
with 100,000 series stored. Prints every figure with the machine's conditions.

  --seconds N        OUTPOST_BENCH_SECONDS         hub run length (default 600)
  --store-seconds N  OUTPOST_BENCH_STORE_SECONDS   each in-process store run (default min(seconds, 180))
  --agents N         OUTPOST_BENCH_AGENTS          simulated agents, one MQTT connection each (default 8)
  --devices N        OUTPOST_BENCH_DEVICES         switches per agent, a multiple of 4 (default 8)
  --window N         OUTPOST_BENCH_WINDOW          batches in flight per agent (default 4)
  --read-series N    OUTPOST_BENCH_READ_SERIES     series stored for the read test (default 100000)
  --reads N          OUTPOST_BENCH_READS           reads timed (default 1000)
  --phases LIST      OUTPOST_BENCH_PHASES          hub,store,read (default all)
  --engines LIST     OUTPOST_BENCH_ENGINES         the hub run's store: sqlite,postgres (default sqlite); with
                                                   both, the same load runs on each in turn and the figures are
                                                   compared (PostgreSQL: a throwaway local cluster, fsync off)`;

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string' },
    'store-seconds': { type: 'string' },
    agents: { type: 'string' },
    devices: { type: 'string' },
    window: { type: 'string' },
    'read-series': { type: 'string' },
    reads: { type: 'string' },
    phases: { type: 'string' },
    engines: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
const num = (flag: string | undefined, env: string, def: number) => {
  const v = Number(flag ?? process.env[env] ?? def);
  if (!Number.isFinite(v) || v <= 0)
    throw new Error(`${env}: ${flag ?? process.env[env]} is not a positive number`);
  return v;
};
const SECONDS = num(flags.seconds, 'OUTPOST_BENCH_SECONDS', 600);
const STORE_SECONDS = num(flags['store-seconds'], 'OUTPOST_BENCH_STORE_SECONDS', Math.min(SECONDS, 180));
const AGENTS = num(flags.agents, 'OUTPOST_BENCH_AGENTS', 8);
const DEVICES = num(flags.devices, 'OUTPOST_BENCH_DEVICES', 8);
const WINDOW = num(flags.window, 'OUTPOST_BENCH_WINDOW', 4);
const READ_SERIES = num(flags['read-series'], 'OUTPOST_BENCH_READ_SERIES', 100_000);
const READS = num(flags.reads, 'OUTPOST_BENCH_READS', 1000);
const PHASES = new Set((flags.phases ?? process.env.OUTPOST_BENCH_PHASES ?? 'hub,store,read').split(','));
const ENGINES = (flags.engines ?? process.env.OUTPOST_BENCH_ENGINES ?? 'sqlite').split(',');
for (const e of ENGINES)
  if (e !== 'sqlite' && e !== 'postgres')
    throw new Error(`OUTPOST_BENCH_ENGINES: ${e} is not sqlite or postgres`);
const PER_BATCH = 4;
if (DEVICES % PER_BATCH !== 0)
  throw new Error(`OUTPOST_BENCH_DEVICES: ${DEVICES} is not a multiple of ${PER_BATCH}`);

const ms = (v: number) => `${v.toFixed(1)} ms`;
const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const rates = (xs: number[]) => xs.map((x) => int(x)).join(', ');
const ratio = (xs: number[]) =>
  xs.length > 1 ? ((xs.at(-1) as number) / (xs[0] as number)).toFixed(2) : 'n/a';

function storeLines(r: StoreRunResult): string[] {
  const w = r.windowS === 60 ? 'minute' : '10 s';
  return [
    `  ${r.layout === 'chunks' ? 'chunks (this layout)' : 'rows (the old layout: one samples row per sample)'}:`,
    `    ${int(r.samples)} samples, ${int(r.samples / r.storeS)} samples per second of store time; per ${w}: ${rates(r.windows)}; last/first ${ratio(r.windows)}`,
    `    store CPU per 1,000 samples: ${ms((r.storeCpuS * 1e6) / r.samples)}; database ${mb(r.usedBytes)} in use: ${(r.usedBytes / r.samples).toFixed(2)} bytes/sample`,
  ];
}

/** What the SQLite hub's run left on disk (head sealed): bytes per sample, per kind of series, per table. */
function diskLines(say: (s: string) => void, file: string, devices: Parameters<typeof diskFigures>[1]): void {
  const d = diskFigures(file, devices);
  say(`2. on disk after the run (head sealed): ${int(d.samples)} samples`);
  say(
    `  pages in use ${mb(d.usedBytes)}: ${(d.usedBytes / d.samples).toFixed(2)} bytes/sample (target <= 3, aim 1.5); ` +
      `the file ${mb(d.fileBytes)} (${(d.fileBytes / d.samples).toFixed(2)} bytes/sample), its free pages being the head log's peak, reused`,
  );
  const chunkBytes = KINDS.reduce((n, k) => n + d.byKind[k].bytes, 0) + d.sharedTimesBytes;
  say(
    `  chunk data: ${(chunkBytes / d.samples).toFixed(2)} bytes/sample, of which shared timestamp columns ${(d.sharedTimesBytes / d.samples).toFixed(2)}; values (and timestamps not shared) per kind: ${KINDS.map(
      (k) =>
        `${k} ${(d.byKind[k].bytes / Math.max(1, d.byKind[k].samples)).toFixed(2)} (${((d.byKind[k].samples / d.samples) * 100).toFixed(0)}% of samples)`,
    ).join(', ')}`,
  );
  const objects = Object.entries(d.byObject)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([k, v]) => `${k} ${mb(v)}`);
  say(`  largest tables and indexes: ${objects.join(', ')}`);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-ingest-'));
  const lines: string[] = [];
  const say = (s: string) => {
    lines.push(s);
    console.log(s);
  };
  try {
    const seriesCount = AGENTS * DEVICES * SERIES_PER_DEVICE;
    say(`machine: ${machine()}`);
    say(
      `fleet: ${AGENTS} agents x ${DEVICES} switches (24 ports, ${SERIES_PER_DEVICE} series each: ${int(seriesCount)} series), ` +
        `a poll every ${INTERVAL_MS / 1000} s of sample time per switch, batches of ${PER_BATCH} switches ` +
        `(${PER_BATCH * SERIES_PER_DEVICE} samples), compact encoding (brotli), at most ${WINDOW} batches in flight per agent`,
    );
    // Sample time: the run's batches end about now (a fleet this fast covers hours of polls in minutes).
    const t0 = Date.now() - 48 * 3_600_000;
    const hubRuns: { engine: string; samplesS: number; ackP99: number; cpuMs: number }[] = [];
    for (const engine of PHASES.has('hub') ? ENGINES : []) {
      const hubDir = join(dir, `hub-${engine}`);
      let pg: RunningPostgres | undefined;
      if (engine === 'postgres') pg = await startPostgres();
      try {
        const r = await runHub({
          dir: hubDir,
          seconds: SECONDS,
          agents: AGENTS,
          devices: DEVICES,
          devicesPerBatch: PER_BATCH,
          window: WINDOW,
          t0,
          ...(pg ? { databaseUrl: await pg.createDatabase('bench_ingest') } : {}),
        });
        const w = r.windowS === 60 ? 'minute' : '10 s';
        const store = pg ? 'PostgreSQL 15 local, fsync off' : 'SQLite';
        say(
          `1. through the hub (outpost-hub serve on ${store}, embedded broker, acks), ${r.elapsedS.toFixed(0)} s:`,
        );
        say(`  stored (acknowledged): ${int(r.samples)} samples in ${int(r.batches)} batches`);
        say(`  samples/s: ${int(r.samples / r.elapsedS)} (target >= 250,000)`);
        say(`  per ${w}: ${rates(r.windows)}`);
        say(`  last ${w} / first ${w}: ${ratio(r.windows)} (target >= 0.90)`);
        say(
          `  ack latency: p50 ${ms(r.ackMs.p50)}, p99 ${ms(r.ackMs.p99)} (target < 1,000 ms), max ${ms(r.ackMs.max)}`,
        );
        say(
          `  hub CPU per 1,000 samples (the whole process: broker, decode, store, acks): ${ms((r.hubCpuS * 1e6) / r.samples)} (target <= 1 ms); ` +
            `${((r.hubCpuS / r.elapsedS) * 100).toFixed(0)}% of a core, RSS ${r.rssMb.toFixed(0)} MiB (peak ${r.hwmMb.toFixed(0)} MiB)`,
        );
        const m = r.metrics;
        say(
          `  at the end: head ${int(m.outpost_hub_ts_head_series ?? 0)} series, ${int(m.outpost_hub_ts_head_samples ?? 0)} samples, ${mb(m.outpost_hub_ts_head_bytes ?? 0)}; ` +
            `head log ${int(m.outpost_hub_ts_log_records ?? 0)} records, ${mb(m.outpost_hub_ts_log_bytes ?? 0)}; ${int(m.outpost_hub_ts_chunks_sealed_total ?? 0)} chunks sealed; clean stop (seals the head) ${r.stopS.toFixed(1)} s`,
        );
        hubRuns.push({
          engine,
          samplesS: r.samples / r.elapsedS,
          ackP99: r.ackMs.p99,
          cpuMs: (r.hubCpuS * 1e6) / r.samples,
        });
        if (!pg) diskLines(say, join(hubDir, 'hub.db'), r.devices);
      } finally {
        await pg?.stop();
      }
    }
    if (hubRuns.length > 1) {
      const [a, b] = hubRuns as [(typeof hubRuns)[0], (typeof hubRuns)[0]];
      say(
        `  ${b.engine} / ${a.engine}: ${(b.samplesS / a.samplesS).toFixed(2)}x the samples/s ` +
          `(${int(b.samplesS)} vs ${int(a.samplesS)}), ack p99 ${ms(b.ackP99)} vs ${ms(a.ackP99)}, ` +
          `hub CPU per 1,000 samples ${ms(b.cpuMs)} vs ${ms(a.cpuMs)}`,
      );
    }
    if (PHASES.has('store')) {
      const o = {
        dir,
        seconds: STORE_SECONDS,
        agents: AGENTS,
        devices: DEVICES,
        devicesPerBatch: PER_BATCH,
        t0,
      };
      say(
        `3. store only, in this process, the same batches in groups of ${AGENTS} per transaction, ${STORE_SECONDS} s each:`,
      );
      const chunks = await runStore('chunks', o);
      say(
        `  decode (compact, protocol decoder): ${ms((chunks.decodeCpuS * 1e6) / chunks.samples)} CPU per 1,000 samples; ` +
          `series table reused (decoded before, ids kept) by ${chunks.tablesReused.toLocaleString('en-US')} of ${chunks.batches.toLocaleString('en-US')} batches`,
      );
      for (const l of storeLines(chunks)) say(l);
      const rows = await runStore('rows', o);
      for (const l of storeLines(rows)) say(l);
      say(
        `  chunks / rows: ${(chunks.samples / chunks.storeS / (rows.samples / rows.storeS)).toFixed(2)}x the rate, ` +
          `${(rows.storeCpuS / rows.samples / (chunks.storeCpuS / chunks.samples)).toFixed(2)}x less CPU, ` +
          `${(rows.usedBytes / rows.samples / (chunks.usedBytes / chunks.samples)).toFixed(1)}x fewer bytes per sample`,
      );
    }
    if (PHASES.has('read')) {
      const r = await runRead(dir, READ_SERIES, READS);
      say(
        `4. reads: 24 h of one interface rate at 60 s steps (${r.samplesPerSeries} samples, ${r.points.toFixed(0)} points per read), ${int(r.series)} series stored (laid down in ${r.buildS.toFixed(0)} s):`,
      );
      say(
        `  ${r.reads} reads of random series: p50 ${ms(r.ms.p50)}, p99 ${ms(r.ms.p99)} (target < 20 ms), max ${ms(r.ms.max)}`,
      );
    }
    say(`machine at the end: ${machine()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
