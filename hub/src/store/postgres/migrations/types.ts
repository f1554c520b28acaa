/**
 * One forward-only schema step of the PostgreSQL engine (numbered on its own, not the SQLite engine's
 * numbers). `sql` runs inside a transaction and must never drop data. Foreign keys are declared DEFERRABLE
 * (see 004): `db copy` defers them while it moves whole tables.
 */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}
