// bench:store: the store port on SQLite and on PostgreSQL in the same run, the same data and the same calls.
// 5,000 devices over 100 sites (defaults); the devices page's calls (list, filters, search, counts), timed as the
// API route makes them through the port (p50, p99, max); then units of work shaped like an agent's status report
// (agent status plus ten device states), one at a time and eight at once: units/s and p99.
// PostgreSQL: a throwaway cluster (test/support/postgres.ts, durability settings of a test cluster: fsync off).
// Measured through the port (hub/README.md, "Store").
//
//   npm run bench:store
//   npm run bench:store -- --devices 20000 --runs 500 --units 2000
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DeviceFilter, DeviceSort } from '../hub/src/store/devices.js';
import type { HubStore } from '../hub/src/store/port.js';
import { openPostgresStore, type PostgresStore } from '../hub/src/store/postgres/index.js';
import { openSqliteStore, type SqliteStore } from '../hub/src/store/sqlite/index.js';
import { startPostgres } from '../test/support/postgres.js';

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '100' },
    devices: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '300' },
    units: { type: 'string', default: '600' },
  },
});
const SITES = Number(values.sites);
const DEVICES = Number(values.devices);
const RUNS = Number(values.runs);
const UNITS = Number(values.units);
const NOW = Date.UTC(2026, 0, 15, 12);

async function seed(store: HubStore): Promise<void> {
  await store.unit(async (tx) => {
    for (let s = 1; s <= SITES; s++)
      await tx.sites.insert({ name: `shop-${String(s).padStart(4, '0')}` }, NOW);
    const sites = (await tx.sites.list()).map((s) => s.id);
    for (let d = 1; d <= DEVICES; d++) {
      const site = sites[d % sites.length] as number;
      const dev = await tx.devices.insert(
        {
          name: `sw-${String(site).padStart(4, '0')}-${d}`,
          ip_address: `10.${(d >> 16) & 255}.${(d >> 8) & 255}.${d & 255}`,
          site_id: site,
          parent_id: null,
          vendor: 'Cisco',
          mac_address: `00:1a:2b:${((d >> 16) & 255).toString(16).padStart(2, '0')}:${((d >> 8) & 255).toString(16).padStart(2, '0')}:${(d & 255).toString(16).padStart(2, '0')}`,
          device_type: 'switch',
          snmp_json: '{"version":"2c","port":161}',
          snmp_secret: null,
          poll_interval_s: 60,
          profile: null,
          meta: '{}',
        },
        NOW,
      );
      const x = d % 50;
      await tx.devices.setState({
        id: dev.id,
        status: x === 0 ? 'unreachable' : x === 1 ? 'auth_failed' : 'online',
        error: x < 2 ? 'timeout' : null,
        ts: NOW - (d % 3600) * 1000,
      });
    }
    for (let s = 1; s <= SITES; s++)
      await tx.agents.create({
        id: `agent-${s}`,
        site_id: sites[s - 1] as number,
        hostname: `pi-${s}`,
        version: '1.0',
        secret_hash: 'x',
        created_at: NOW,
      });
  });
}

interface Read {
  what: string;
  call: (s: HubStore) => Promise<unknown>;
}

const list = (f: DeviceFilter, sort: DeviceSort, order: 'asc' | 'desc', page: number) => (s: HubStore) =>
  s.devices.list(f, sort, order, page, 50);

const READS: Read[] = [
  { what: 'devices, first page by name (per_page=50)', call: list({}, 'name', 'asc', 1) },
  { what: 'devices, page 50 of 100', call: list({}, 'name', 'asc', 50) },
  { what: 'devices, down (unreachable, auth_failed)', call: list({ status: 'offline' }, 'name', 'asc', 1) },
  { what: 'devices, one site', call: list({ site_id: 42 }, 'name', 'asc', 1) },
  { what: 'devices, by last seen, newest', call: list({}, 'last_seen', 'desc', 1) },
  { what: 'devices, search "0042-"', call: list({ q: '0042-' }, 'name', 'asc', 1) },
  { what: 'devices, status counts', call: (s) => s.devices.statusCounts() },
  { what: 'sites with counts', call: (s) => s.sites.list() },
  { what: 'overview: site health', call: (s) => s.fleet.siteHealth(NOW, 1000) },
];

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));

async function timeReads(store: HubStore, r: Read) {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 10; i++) {
    const t0 = process.hrtime.bigint();
    await r.call(store);
    if (i >= 10) times.push(ms(t0)); // the first few warm caches and prepared statements
  }
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p99: pct(times, 99), max: times.at(-1) ?? 0 };
}

/** An agent status report as a unit of work: the agent's status and ten of its site's devices' states. */
async function statusUnit(store: HubStore, i: number, deviceIds: number[]): Promise<void> {
  await store.unit(async (tx) => {
    await tx.agents.updateStatus(`agent-${1 + (i % SITES)}`, {
      status: 'online',
      last_seen: NOW + i,
      backlog: i % 7,
      dropped: 0,
    });
    for (let k = 0; k < 10; k++) {
      await tx.devices.setState({
        id: deviceIds[(i * 10 + k) % deviceIds.length] as number,
        status: k === 3 && i % 5 === 0 ? 'unreachable' : 'online',
        error: null,
        ts: NOW + i,
      });
    }
  });
}

async function timeUnits(store: HubStore, concurrency: number) {
  const ids = (await store.devices.list({}, 'name', 'asc', 1, DEVICES)).rows.map((d) => d.id);
  const times: number[] = [];
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < UNITS) {
        const i = next++;
        const u0 = process.hrtime.bigint();
        await statusUnit(store, i, ids);
        times.push(ms(u0));
      }
    }),
  );
  const total = ms(t0);
  times.sort((a, b) => a - b);
  return { perS: (UNITS / total) * 1000, p50: pct(times, 50), p99: pct(times, 99) };
}

async function main() {
  const dir = mkdtempSync(join(os.tmpdir(), 'outpost-bench-store-'));
  const pg = await startPostgres();
  const stores: [string, HubStore][] = [];
  try {
    stores.push(['SQLite', openSqliteStore(join(dir, 'hub.db'))]);
    stores.push(['PostgreSQL', await openPostgresStore(await pg.createDatabase('bench'))]);
    const seeded: number[] = [];
    for (const [, s] of stores) {
      const t0 = process.hrtime.bigint();
      await seed(s);
      seeded.push(ms(t0) / 1000);
    }
    // Planner statistics and a clean index, as a running database has them (ANALYZE; autovacuum on PostgreSQL).
    (stores[0]![1] as SqliteStore).db.exec('ANALYZE');
    await (stores[1]![1] as PostgresStore).pool.query('VACUUM ANALYZE');
    const cpu = os.cpus();
    console.log(
      `machine: ${cpu.length} x ${cpu[0]?.model.trim()}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, node ${process.version}; PostgreSQL 15 local (127.0.0.1, fsync off), SQLite WAL`,
    );
    console.log(
      `data: ${SITES} sites, ${DEVICES.toLocaleString('en-US')} devices, ${SITES} agents on each engine (seeded in ${seeded.map((x) => `${x.toFixed(1)} s`).join(' / ')}); ${RUNS} runs per read, through the store port`,
    );
    const reads: Awaited<ReturnType<typeof timeReads>>[][] = [];
    for (const r of READS) {
      const row: Awaited<ReturnType<typeof timeReads>>[] = [];
      for (const [, s] of stores) row.push(await timeReads(s, r));
      reads.push(row);
    }
    console.log('');
    console.log(
      '| read | SQLite p50 ms | SQLite p99 ms | PostgreSQL p50 ms | PostgreSQL p99 ms | PostgreSQL max ms | p99 ratio |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    READS.forEach((r, i) => {
      const [a, b] = reads[i] as { p50: number; p99: number; max: number }[];
      console.log(
        `| ${r.what} | ${f(a!.p50)} | ${f(a!.p99)} | ${f(b!.p50)} | ${f(b!.p99)} | ${f(b!.max)} | ${(b!.p99 / a!.p99).toFixed(1)}x |`,
      );
    });
    console.log('');
    console.log(
      '| units of work (agent status + 10 device states) | SQLite units/s | SQLite p99 ms | PostgreSQL units/s | PostgreSQL p99 ms |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const c of [1, 8]) {
      const row: Awaited<ReturnType<typeof timeUnits>>[] = [];
      for (const [, s] of stores) row.push(await timeUnits(s, c));
      const [a, b] = row as { perS: number; p99: number }[];
      console.log(
        `| ${c} at a time, ${UNITS} units | ${a!.perS.toFixed(0)} | ${f(a!.p99)} | ${b!.perS.toFixed(0)} | ${f(b!.p99)} |`,
      );
    }
    const first = reads[0] as { p99: number }[];
    console.log('');
    console.log(
      `devices first page p99: SQLite ${f(first[0]!.p99)} ms, PostgreSQL ${f(first[1]!.p99)} ms (target < 50 ms)`,
    );
  } finally {
    for (const [, s] of stores) await s.close();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
