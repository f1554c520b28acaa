import type { PgMigration } from './types.js';

/** The SQLite engine's migration 014 (the site an audit entry touched) in PostgreSQL terms. */
export const m009AuditSites: PgMigration = {
  version: 9,
  name: 'audit_sites',
  sql: `
    ALTER TABLE audit_log ADD COLUMN site_id BIGINT REFERENCES sites(id) ON DELETE SET NULL DEFERRABLE;
    CREATE INDEX audit_log_site_ts ON audit_log(site_id, ts);
  `,
};
