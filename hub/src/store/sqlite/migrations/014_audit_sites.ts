import type { Migration } from './types.js';

/**
 * The site an audit entry touched, so that users limited to sites see their sites' entries. Entries before this
 * step, and entries of nothing of a site (users, settings, logins), have none. A deleted site's entries lose
 * their site (SQLite may give a later site the same id: its users must not inherit the old entries).
 */
export const m014AuditSites: Migration = {
  version: 14,
  name: 'audit_sites',
  up(db) {
    db.exec(`
      ALTER TABLE audit_log ADD COLUMN site_id INTEGER REFERENCES sites(id) ON DELETE SET NULL;
      CREATE INDEX audit_log_site_ts ON audit_log(site_id, ts);
    `);
  },
};
