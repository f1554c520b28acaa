/**
 * One forward-only schema step of the PostgreSQL engine (numbered on its own, not the SQLite engine's
 * numbers). `sql` runs inside a transaction and must never drop data.
 */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}
