import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Db } from './connection.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

/** Opens (creating when missing) the hub database in WAL mode and applies pending migrations. */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

/**
 * Applies every migration not yet recorded in `schema_migrations`, in version order, each in its own
 * transaction. Migrations are forward-only and never drop data; a database that has migrations this code
 * does not know (a newer hub wrote it) is refused rather than guessed at.
 */
export function migrate(db: Db, migrations: readonly Migration[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Map(
    (
      db.prepare('SELECT version, name FROM schema_migrations').all() as { version: number; name: string }[]
    ).map((r) => [r.version, r.name]),
  );
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...applied.keys()].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new Error(
      `the database has schema migrations this hub does not know (${unknown.join(', ')}); upgrade the hub or restore a backup`,
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  let count = 0;
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      m.up(db);
      record.run(m.version, m.name, Date.now());
    })();
    count++;
  }
  return count;
}
