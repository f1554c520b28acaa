import type { PgMigration } from './types.js';

/**
 * The SQLite engine's migration 009 in PostgreSQL terms: the same B-tree indexes for the dashboard's pages with
 * a large fleet, and substring search through trigram GIN indexes (pg_trgm, a trusted extension the database's
 * owner may create) on what the dashboard searches, which ILIKE '%text%' uses directly: no triggers, no
 * separate search table.
 */
export const m002FleetIndexes: PgMigration = {
  version: 2,
  name: 'fleet_indexes',
  sql: `
    CREATE INDEX devices_name ON devices(name, id);
    CREATE INDEX devices_site_name ON devices(site_id, name, id);
    CREATE INDEX devices_status_name ON devices(status, name, id);
    CREATE INDEX devices_last_seen ON devices(last_seen, id);
    CREATE INDEX devices_site_status ON devices(site_id, status);
    CREATE INDEX alerts_newest ON alerts(created_at DESC, id DESC);
    CREATE INDEX alerts_state_newest ON alerts(state, created_at DESC, id DESC);
    CREATE INDEX alerts_site_state_newest ON alerts(site_id, state, created_at DESC, id DESC);

    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX devices_name_trgm ON devices USING gin (name gin_trgm_ops);
    CREATE INDEX devices_ip_trgm ON devices USING gin (ip_address gin_trgm_ops);
    CREATE INDEX devices_sys_name_trgm ON devices USING gin (sys_name gin_trgm_ops);
    CREATE INDEX devices_vendor_trgm ON devices USING gin (vendor gin_trgm_ops);
    CREATE INDEX devices_mac_trgm ON devices USING gin (mac_address gin_trgm_ops);
    CREATE INDEX devices_mac_hex_trgm ON devices USING gin ((replace(mac_address, ':', '')) gin_trgm_ops);
    CREATE INDEX alerts_title_trgm ON alerts USING gin (title gin_trgm_ops);
  `,
};
