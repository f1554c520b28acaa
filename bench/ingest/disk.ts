import Database from 'better-sqlite3';
import { KINDS, type Kind, kindKey, type SeriesDef } from './fleet.js';

export interface DiskFigures {
  /** Pages in use (the file minus its free list), bytes. */
  usedBytes: number;
  fileBytes: number;
  /** Bytes per table or index (SQLite's dbstat). */
  byObject: Record<string, number>;
  /** Chunk bytes (raw samples' column data) and samples per kind of series. */
  byKind: Record<Kind, { bytes: number; samples: number }>;
  /** Bytes of the shared timestamp columns (ts_times), used by chunks of every kind. */
  sharedTimesBytes: number;
  samples: number;
}

/** What a hub database holds on disk once the run is over, and how much of it each kind of series takes. */
export function diskFigures(file: string, devices: Map<number, SeriesDef[]>): DiskFigures {
  const db = new Database(file, { readonly: true });
  try {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    const byObject: Record<string, number> = {};
    for (const r of db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as {
      name: string;
      bytes: number;
    }[])
      byObject[r.name] = r.bytes;
    const kinds = new Map<string, Kind>();
    for (const [id, defs] of devices)
      for (const d of defs) kinds.set(kindKey(id, d.metric, d.labels?.if_index), d.kind);
    const byKind = Object.fromEntries(
      KINDS.map((k) => [k, { bytes: 0, samples: 0 }]),
    ) as DiskFigures['byKind'];
    let samples = 0;
    const rows = db
      .prepare(
        `SELECT s.target_id AS target, s.metric, s.labels, sum(length(c.data)) AS bytes, sum(c.count) AS n
         FROM ts_chunks c JOIN series s ON s.id = c.series_id GROUP BY c.series_id`,
      )
      .iterate() as Iterable<{ target: string; metric: string; labels: string; bytes: number; n: number }>;
    for (const r of rows) {
      const ifIndex = (JSON.parse(r.labels) as Record<string, string>).if_index;
      const kind = kinds.get(kindKey(r.target, r.metric, ifIndex)) ?? 'constant';
      byKind[kind].bytes += r.bytes;
      byKind[kind].samples += r.n;
      samples += r.n;
    }
    const sharedTimesBytes = db
      .prepare('SELECT coalesce(sum(length(data)), 0) FROM ts_times')
      .pluck()
      .get() as number;
    return {
      usedBytes: (pages - free) * pageSize,
      fileBytes: pages * pageSize,
      byObject,
      byKind,
      sharedTimesBytes,
      samples,
    };
  } finally {
    db.close();
  }
}
