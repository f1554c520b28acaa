// Test helpers that look under the SQLite engine (what is on disk), for tests about storage itself: that bad
// input changed nothing, that secrets are not stored in clear. Everything else goes through the repositories.
import type { HubStore } from '../port.js';
import type { Db } from './connection.js';
import { SqliteStore } from './index.js';

function sqlite(store: HubStore): SqliteStore {
  if (!(store instanceof SqliteStore)) throw new Error('this test inspects the SQLite engine');
  return store;
}

/** The SQLite handle under `store`, for tests and benchmarks that look at (or seed) the tables themselves. */
export function sqliteDb(store: HubStore): Db {
  return sqlite(store).db;
}

/** Every row of every table, as sorted JSON lines per table (to prove that nothing changed). */
export function dumpTables(store: HubStore): Record<string, string[]> {
  const db = sqlite(store).db;
  const tables = (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as {
      name: string;
    }[]
  ).map((t) => t.name);
  return Object.fromEntries(
    tables.map((t) => [
      t,
      (db.prepare(`SELECT * FROM "${t}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort(),
    ]),
  );
}

/** Moves everything from the WAL into the database file (so a test can read the file itself). */
export function checkpoint(store: HubStore): void {
  sqlite(store).db.pragma('wal_checkpoint(FULL)');
}
