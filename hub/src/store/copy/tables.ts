import type { Db } from '../sqlite/connection.js';

/** One table to copy: its columns (the source's, all of which the target has) and its primary key. */
export interface CopyTable {
  name: string;
  columns: string[];
  key: string[];
}

/** Engine bookkeeping, not data: each engine keeps its own. */
const SKIP = new Set(['schema_migrations', 'sqlite_sequence', 'sqlite_stat1', 'sqlite_stat4']);

/**
 * The SQLite tables whose rows move: every table but engine bookkeeping and full-text indexes (virtual tables
 * and their shadow tables: PostgreSQL indexes the same columns itself), with their columns and primary key.
 */
export function sourceTables(db: Db): CopyTable[] {
  const rows = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
    name: string;
    sql: string | null;
  }[];
  const virtual = rows.filter((r) => /^CREATE VIRTUAL TABLE/i.test(r.sql ?? '')).map((r) => r.name);
  const tables: CopyTable[] = [];
  for (const { name } of rows) {
    if (SKIP.has(name) || virtual.some((v) => name === v || name.startsWith(`${v}_`))) continue;
    const info = db.prepare(`PRAGMA table_info(${quote(name)})`).all() as { name: string; pk: number }[];
    const key = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    if (key.length === 0) throw new Error(`table ${name} has no primary key: its rows cannot be compared`);
    tables.push({ name, columns: info.map((c) => c.name), key });
  }
  return tables;
}

/** An identifier in double quotes (both engines), quotes doubled. */
export function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
