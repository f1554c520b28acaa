import type { PgMigration } from './types.js';

/**
 * Every foreign key becomes DEFERRABLE (still checked at each statement unless a transaction defers it):
 * `db copy` moves tables whole, in any order, with `SET CONSTRAINTS ALL DEFERRED`, and a device whose parent
 * has a higher id arrives before its parent. Later migrations declare their foreign keys DEFERRABLE too.
 */
export const m004DeferrableReferences: PgMigration = {
  version: 4,
  name: 'deferrable_references',
  sql: `
    DO $$
    DECLARE r record;
    BEGIN
      FOR r IN
        SELECT c.conname, t.relname FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE c.contype = 'f' AND n.nspname = current_schema() AND NOT c.condeferrable
      LOOP
        EXECUTE format('ALTER TABLE %I ALTER CONSTRAINT %I DEFERRABLE INITIALLY IMMEDIATE', r.relname, r.conname);
      END LOOP;
    END $$;
  `,
};
