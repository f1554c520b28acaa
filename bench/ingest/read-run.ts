import { join } from 'node:path';
import { openDatabase } from '../../hub/src/store/sqlite/database.js';
import { SqliteTimeSeries } from '../../hub/src/store/sqlite/timeseries/engine.js';
import { encodeChunk } from '../../hub/src/store/timeseries/codec/index.js';
import { random } from './fleet.js';
import { pct } from './measure.js';

export interface ReadRunResult {
  series: number;
  samplesPerSeries: number;
  buildS: number;
  reads: number;
  ms: { p50: number; p99: number; max: number };
  points: number;
}

const DAY = 86_400_000;
const STEP = 60_000;
/** Chunks as the engine seals a 60 s series: 2 h spans of 120 samples. */
const PER_CHUNK = 120;

/**
 * `series` interface-rate series with 24 h at 60 s each (moving doubles, the costliest kind to decode), laid
 * down as the engine seals them (2-hour chunks, encoded with the codec) straight into the tables to save
 * time, then `reads` reads of 24 h at 60 s steps of random series through the engine.
 */
export async function runRead(dir: string, series: number, reads: number): Promise<ReadRunResult> {
  const file = join(dir, 'read.db');
  const db = openDatabase(file);
  const end = Math.floor(Date.now() / STEP) * STEP;
  const start = end - DAY + STEP;
  const rnd = random(99);
  const built = performance.now();
  const addSeries = db.prepare(
    "INSERT INTO series (id, target_kind, target_id, metric, unit, labels) VALUES (?, 'device', ?, 'if_in_bps', 'bps', ?)",
  );
  const addChunk = db.prepare(
    'INSERT INTO ts_chunks (series_id, start_ts, end_ts, count, data) VALUES (?, ?, ?, ?, ?)',
  );
  const n = DAY / STEP;
  const ts = new Float64Array(PER_CHUNK);
  const values = new Float64Array(PER_CHUNK);
  const BATCH = 2000;
  for (let first = 1; first <= series; first += BATCH) {
    db.transaction(() => {
      for (let id = first; id < Math.min(series + 1, first + BATCH); id++) {
        addSeries.run(id, String(Math.ceil(id / 240)), JSON.stringify({ if_index: String(id % 240) }));
        let bps = 1e6 + rnd() * 1e8;
        for (let c = 0; c < n; c += PER_CHUNK) {
          for (let i = 0; i < PER_CHUNK; i++) {
            ts[i] = start + (c + i) * STEP + Math.floor(rnd() * 20);
            bps = Math.max(0, bps * (1 + (rnd() - 0.5) * 0.2));
            values[i] = (Math.round((bps / 8) * 60) * 8000) / (STEP + ((ts[i] as number) % 20));
          }
          addChunk.run(id, ts[0], ts[PER_CHUNK - 1], PER_CHUNK, encodeChunk(ts, values));
        }
      }
    })();
  }
  const buildS = (performance.now() - built) / 1000;
  db.close();
  // A fresh engine on the stored data, as a hub after a restart.
  const db2 = openDatabase(file);
  const store = new SqliteTimeSeries(db2);
  await store.open();
  const times: number[] = [];
  let points = 0;
  for (let i = 0; i < reads; i++) {
    const id = 1 + Math.floor(rnd() * series);
    const t = performance.now();
    const p = await store.read(id, { from: end - DAY, to: end, stepMs: STEP });
    times.push(performance.now() - t);
    points += p.length;
  }
  db2.close();
  times.sort((a, b) => a - b);
  return {
    series,
    samplesPerSeries: n,
    buildS,
    reads,
    ms: { p50: pct(times, 50), p99: pct(times, 99), max: times.at(-1) ?? 0 },
    points: points / reads,
  };
}
