import type pg from 'pg';
import { connect, translate } from './connection.js';
import { PG_MIGRATIONS, type PgMigration } from './migrations/index.js';

/** The advisory lock key under which hubs migrate one after another (any constant, the same in every hub). */
const MIGRATE_LOCK = 0x6f75_7470; // 'outp'

/**
 * Applies every migration not yet recorded in `schema_migrations`, in version order, each in its own
 * transaction, under an advisory lock so that hubs starting together migrate once. Forward-only; a database
 * with migrations this code does not know (a newer hub wrote it) is refused rather than guessed at.
 */
export async function migrate(
  pool: pg.Pool,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<number> {
  const c = await connect(pool);
  try {
    await c.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK]);
    try {
      await c.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
      const applied = new Map(
        (
          await c.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations')
        ).rows.map((r) => [r.version, r.name]),
      );
      const known = new Set(migrations.map((m) => m.version));
      const unknown = [...applied.keys()].filter((v) => !known.has(v));
      if (unknown.length > 0) {
        throw new Error(
          `the database has schema migrations this hub does not know (${unknown.join(', ')}); upgrade the hub or restore a backup`,
        );
      }
      let count = 0;
      for (const m of migrations) {
        if (applied.has(m.version)) continue;
        try {
          await c.query('BEGIN');
          await c.query(m.sql);
          await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            m.version,
            m.name,
            Date.now(),
          ]);
          await c.query('COMMIT');
        } catch (err) {
          await c.query('ROLLBACK').catch(() => {});
          throw new Error(`migration ${m.version} (${m.name}) failed: ${(translate(err) as Error).message}`, {
            cause: err,
          });
        }
        count++;
      }
      return count;
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK]).catch(() => {});
    }
  } finally {
    c.release();
  }
}
