import type Database from 'better-sqlite3';
import { m001Core } from './001_core.js';

/** One forward-only schema step. `up` runs inside a transaction and must never drop data. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

/** Every migration in order: one file each, one line here. Versions are 1, 2, 3, ... without gaps. */
export const MIGRATIONS: readonly Migration[] = checkOrder([m001Core]);

function checkOrder(list: Migration[]): Migration[] {
  list.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  return list;
}
