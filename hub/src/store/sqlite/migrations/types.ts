import type Database from 'better-sqlite3';

/** One forward-only schema step. `up` runs inside a transaction and must never drop data. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
