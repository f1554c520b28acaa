import { join } from 'node:path';
import { type BatchMessage, decodeCompactBatch, SeriesTableCache } from '@outpost/protocol';
import Database from 'better-sqlite3';
import { stageSamples, type TargetSites } from '../../hub/src/ingest/batch-samples.js';
import { openDatabase } from '../../hub/src/store/sqlite/database.js';
import { MIGRATIONS } from '../../hub/src/store/sqlite/migrations/index.js';
import { SqliteTimeSeries } from '../../hub/src/store/sqlite/timeseries/engine.js';
import { type SampleRow, SeriesStore } from '../old-layout/sample-writer.js';
import { AgentBatches, type Group } from './compact-load.js';
import { deviceSeries } from './fleet.js';
import { perWindow } from './measure.js';

export interface StoreRunOptions {
  dir: string;
  seconds: number;
  agents: number;
  devices: number;
  devicesPerBatch: number;
  t0: number;
}

export interface StoreRunResult {
  layout: 'chunks' | 'rows';
  samples: number;
  /** Seconds spent inside the store (transactions, sealing), and its CPU. Windows are on this clock. */
  storeS: number;
  storeCpuS: number;
  /** Seconds and CPU spent decoding the compact batches. */
  decodeS: number;
  decodeCpuS: number;
  /** Batches whose series table was one their agent sent before (decoded once, series ids kept). */
  tablesReused: number;
  batches: number;
  windows: number[];
  windowS: number;
  usedBytes: number;
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Stores one group of decoded batches (one per agent) in one transaction, as the hub's group commit. */
type Store = (group: BatchMessage[]) => Promise<void> | void;

/**
 * As the hub's group commit: each batch staged by the hub's own ingest code (series resolved once per series
 * table and kept on it while the agent repeats the table), one head-log record per group.
 */
function chunksLayout(file: string, sites: TargetSites): { store: Store; close(): Promise<void> } {
  const db = openDatabase(file);
  const ts = new SqliteTimeSeries(db);
  let lastSeal = performance.now();
  return {
    async store(group) {
      const w = ts.writer();
      db.transaction(() => {
        for (const b of group) stageSamples(w, b, 'bench', 1, sites);
        w.persist();
      })();
      w.committed();
      // The hub seals every second (tsSealIntervalMs).
      if (performance.now() - lastSeal >= 1000) {
        lastSeal = performance.now();
        await ts.seal();
      }
    },
    async close() {
      await ts.close();
      db.close();
    },
  };
}

function rowsLayout(file: string): { store: Store; close(): Promise<void> } {
  // The schema before time-series chunks (migration 6), written by the old row-per-sample writer.
  const db = openDatabase(
    file,
    MIGRATIONS.filter((m) => m.version < 6),
  );
  const series = new SeriesStore(db);
  return {
    store(group) {
      const rows: SampleRow[] = [];
      for (const b of group) {
        for (const s of b.samples) {
          rows.push({
            target_kind: 'device',
            target_id: String(s.device_id),
            metric: s.metric,
            unit: s.unit,
            labels: s.labels,
            ts: s.ts,
            value: s.value,
          });
        }
      }
      db.transaction(() => series.insertSamples(rows, 0, 300_000))();
    },
    async close() {
      db.close();
    },
  };
}

/**
 * The same batches as the hub run, decoded and stored in this process without MQTT: the store's own cost for
 * one layout, and how its rate holds as history grows.
 */
export async function runStore(layout: 'chunks' | 'rows', o: StoreRunOptions): Promise<StoreRunResult> {
  const file = join(o.dir, `store-${layout}.db`);
  const device = new Map<number, number>();
  for (let id = 1; id <= o.agents * o.devices; id++) device.set(id, 1);
  const target = layout === 'chunks' ? chunksLayout(file, { device, camera: new Map() }) : rowsLayout(file);
  const tables = new SeriesTableCache();
  const agents: AgentBatches[] = [];
  let nextId = 1;
  for (let a = 0; a < o.agents; a++) {
    const groups: Group[] = [];
    for (let d = 0; d < o.devices; d += o.devicesPerBatch) {
      const devices = [];
      for (let i = 0; i < o.devicesPerBatch; i++) {
        const id = nextId++;
        devices.push({ id, series: deviceSeries(id, id * 7919) });
      }
      groups.push({ devices });
    }
    agents.push(new AgentBatches(groups, o.t0, a + 1));
  }
  const r: StoreRunResult = {
    layout,
    samples: 0,
    storeS: 0,
    storeCpuS: 0,
    decodeS: 0,
    decodeCpuS: 0,
    tablesReused: 0,
    batches: 0,
    windows: [],
    windowS: 10,
    usedBytes: 0,
  };
  const stored: [number, number][] = [];
  const start = performance.now();
  let seq = 0;
  while (performance.now() - start < o.seconds * 1000) {
    seq++;
    const payloads = agents.map((a) => a.next(seq).payload);
    let t = performance.now();
    let c = cpu();
    const hits = tables.hits;
    const group = payloads.map((p, a) => {
      const d = decodeCompactBatch(p, { tables, sender: String(a) });
      if (!d.ok) throw new Error(d.error.message);
      return d.message;
    });
    r.decodeS += (performance.now() - t) / 1000;
    r.decodeCpuS += cpu() - c;
    r.tablesReused += tables.hits - hits;
    r.batches += group.length;
    t = performance.now();
    c = cpu();
    await target.store(group);
    r.storeS += (performance.now() - t) / 1000;
    r.storeCpuS += cpu() - c;
    const n = group.reduce((k, b) => k + b.samples.length, 0);
    r.samples += n;
    // On the store's own clock: how fast it stores as its history grows.
    stored.push([r.storeS * 1000, n]);
  }
  r.windowS = r.storeS >= 120 ? 60 : 10;
  r.windows = perWindow(stored, r.windowS * 1000, r.storeS * 1000);
  await target.close();
  const db = new Database(file, { readonly: true });
  const pragma = (name: string) => db.pragma(name, { simple: true }) as number;
  r.usedBytes = (pragma('page_count') - pragma('freelist_count')) * pragma('page_size');
  db.close();
  return r;
}
