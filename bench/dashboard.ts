// bench:dashboard: the page data of the dashboard with a large fleet. 1,000 sites, 50,000 devices and 100,000
// alerts (defaults) in a real SQLite store, then every request the devices, alerts and overview pages make,
// timed through the hub's HTTP app in process (routing, validation, store, JSON): p50, p99 and max per request,
// and the process's CPU time per request (user + system), which other work on a shared machine disturbs far
// less than the wall clock. The same requests run again without the indexes of the fleet migration, for the
// ratio (of CPU time).
//
//   npm run bench:dashboard                       # defaults
//   npm run bench:dashboard -- --sites 200 --devices 10000 --alerts 20000 --runs 50
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createTestHub, type TestHub } from '../hub/src/api/testing.js';
import { sqliteDb } from '../hub/src/store/sqlite/inspect.testing.js';
import { FLEET_INDEXES } from '../hub/src/store/sqlite/migrations/009_fleet_indexes.js';
import { seedFleet } from '../test/support/fleet-seed.js';

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: process.env.OUTPOST_BENCH_SITES ?? '1000' },
    devices: { type: 'string', default: process.env.OUTPOST_BENCH_DEVICES ?? '50000' },
    alerts: { type: 'string', default: process.env.OUTPOST_BENCH_ALERTS ?? '100000' },
    runs: { type: 'string', default: process.env.OUTPOST_BENCH_RUNS ?? '200' },
  },
});
const SITES = Number(values.sites);
const DEVICES = Number(values.devices);
const ALERTS = Number(values.alerts);
const RUNS = Number(values.runs);

interface Case {
  page: string;
  what: string;
  path: string;
}

const CASES: Case[] = [
  { page: 'devices', what: 'first page, by name', path: '/api/v1/devices?per_page=50' },
  { page: 'devices', what: 'page 500 of 1,000', path: '/api/v1/devices?per_page=50&page=500' },
  {
    page: 'devices',
    what: 'down (unreachable, auth_failed)',
    path: '/api/v1/devices?status=offline&per_page=50',
  },
  { page: 'devices', what: 'one site', path: '/api/v1/devices?site_id=500&per_page=50' },
  {
    page: 'devices',
    what: 'by last seen, newest',
    path: '/api/v1/devices?sort=last_seen&order=desc&per_page=50',
  },
  { page: 'devices', what: 'search "shop0042"', path: '/api/v1/devices?q=shop0042&per_page=50' },
  { page: 'devices', what: 'status counts', path: '/api/v1/devices/status' },
  { page: 'devices', what: 'sites (filter list)', path: '/api/v1/sites' },
  { page: 'alerts', what: 'open, first page', path: '/api/v1/alerts?state=open&per_page=50' },
  {
    page: 'alerts',
    what: 'open critical and high',
    path: '/api/v1/alerts?state=open&severity=critical,high&per_page=50',
  },
  { page: 'alerts', what: 'history (all), first page', path: '/api/v1/alerts?per_page=50' },
  { page: 'alerts', what: 'history, page 1,000 of 2,000', path: '/api/v1/alerts?per_page=50&page=1000' },
  { page: 'alerts', what: 'one site, open', path: '/api/v1/alerts?site_id=500&state=open&per_page=50' },
  { page: 'alerts', what: 'one device, all', path: '/api/v1/alerts?device_id=4242&per_page=50' },
  { page: 'overview', what: 'ranked sites + grid', path: '/api/v1/overview?per_page=25' },
  { page: 'overview', what: 'one site (site page)', path: '/api/v1/overview?site_id=500&grid=false' },
  { page: 'search', what: 'header search "sw-0042"', path: '/api/v1/search?q=sw-0042&limit=6' },
  { page: 'search', what: 'header search by MAC "3c:4d"', path: '/api/v1/search?q=3c:4d&limit=6' },
];

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

async function measure(hub: TestHub, c: Case, runs: number) {
  const times: number[] = [];
  const cpu: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs + 5; i++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const res = await hub.req('GET', c.path, { token: hub.tokens.viewer });
    const body = await res.text();
    const used = process.cpuUsage(c0);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 200) throw new Error(`${c.path}: HTTP ${res.status} ${body.slice(0, 300)}`);
    if (i >= 5) {
      // The first few warm caches and prepared statements.
      times.push(ms);
      cpu.push((used.user + used.system) / 1000);
    }
    bytes = body.length;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { p50: pct(times, 50), p99: pct(times, 99), max: times.at(-1) ?? 0, cpu50: pct(cpu, 50), bytes };
}

const f = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

async function main() {
  const hub = await createTestHub({ logLevel: 'silent' });
  try {
    const t0 = Date.now();
    seedFleet(sqliteDb(hub.ctx.store), { sites: SITES, devices: DEVICES, alerts: ALERTS }, hub.ctx.clock());
    const seeded = (Date.now() - t0) / 1000;
    const cpu = os.cpus();
    console.log(
      `machine: ${cpu.length} x ${cpu[0]?.model.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, node ${process.version}`,
    );
    console.log(
      `data: ${SITES.toLocaleString('en-US')} sites, ${DEVICES.toLocaleString('en-US')} devices, ${ALERTS.toLocaleString('en-US')} alerts (seeded in ${seeded.toFixed(1)} s); ${RUNS} runs per request through the HTTP app in process`,
    );
    const withIdx: Awaited<ReturnType<typeof measure>>[] = [];
    for (const c of CASES) withIdx.push(await measure(hub, c, RUNS));
    // The same requests without the B-tree indexes of migration 009 (fewer runs: some are slow; CPU p50 compared).
    // The trigram search tables stay: without them the queries would not run.
    for (const { name } of FLEET_INDEXES) sqliteDb(hub.ctx.store).exec(`DROP INDEX ${name}`);
    sqliteDb(hub.ctx.store).exec('ANALYZE');
    const without: Awaited<ReturnType<typeof measure>>[] = [];
    for (const c of CASES) without.push(await measure(hub, c, Math.max(10, Math.round(RUNS / 10))));
    console.log('');
    console.log(
      '| page | request | p50 ms | p99 ms | max ms | CPU p50 ms | KiB | CPU p50 without the fleet indexes | ratio (CPU p50) |',
    );
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    CASES.forEach((c, i) => {
      const a = withIdx[i]!;
      const b = without[i]!;
      console.log(
        `| ${c.page} | ${c.what} | ${f(a.p50)} | ${f(a.p99)} | ${f(a.max)} | ${f(a.cpu50)} | ${(a.bytes / 1024).toFixed(1)} | ${f(b.cpu50)} | ${(b.cpu50 / a.cpu50).toFixed(1)}x |`,
      );
    });
    const worst = (page: string) => Math.max(...CASES.map((c, i) => (c.page === page ? withIdx[i]!.p99 : 0)));
    console.log('');
    console.log(
      `worst p99: devices page ${f(worst('devices'))} ms, alerts page ${f(worst('alerts'))} ms, overview ${f(worst('overview'))} ms, search ${f(worst('search'))} ms`,
    );
  } finally {
    hub.close();
  }
}

await main();
