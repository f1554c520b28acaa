import type { Migration } from './types.js';

/**
 * B-tree indexes for the dashboard's pages with a large fleet (bench:dashboard measures them against their absence):
 * the devices list sorted by name, within a site, by status or by last seen; the alerts list newest first,
 * open ones, within a site; the overview's per-site counts read from the indexes alone.
 */
export const FLEET_INDEXES: readonly { name: string; sql: string }[] = [
  { name: 'devices_name', sql: 'CREATE INDEX devices_name ON devices(name, id)' },
  { name: 'devices_site_name', sql: 'CREATE INDEX devices_site_name ON devices(site_id, name, id)' },
  { name: 'devices_status_name', sql: 'CREATE INDEX devices_status_name ON devices(status, name, id)' },
  { name: 'devices_last_seen', sql: 'CREATE INDEX devices_last_seen ON devices(last_seen, id)' },
  { name: 'devices_site_status', sql: 'CREATE INDEX devices_site_status ON devices(site_id, status)' },
  { name: 'alerts_newest', sql: 'CREATE INDEX alerts_newest ON alerts(created_at DESC, id DESC)' },
  {
    name: 'alerts_state_newest',
    sql: 'CREATE INDEX alerts_state_newest ON alerts(state, created_at DESC, id DESC)',
  },
  {
    name: 'alerts_site_state_newest',
    sql: 'CREATE INDEX alerts_site_state_newest ON alerts(site_id, state, created_at DESC, id DESC)',
  },
];

/**
 * Substring search without scanning: trigram full-text indexes (FTS5) of what the dashboard searches, kept
 * current by triggers. A query of 3 characters or more matches any substring of a column, case-insensitively,
 * through the index (SQLite 3.34+); shorter ones fall back to LIKE. Triggers fire only when a searched
 * column's value changes, so the status updates of every poll cost nothing here.
 */
const SEARCH = `
  CREATE VIRTUAL TABLE devices_search USING fts5(name, ip_address, sys_name, vendor, mac_address, mac_hex,
    tokenize = 'trigram');
  INSERT INTO devices_search (rowid, name, ip_address, sys_name, vendor, mac_address, mac_hex)
    SELECT id, name, ip_address, sys_name, vendor, mac_address, replace(mac_address, ':', '') FROM devices;
  CREATE TRIGGER devices_search_insert AFTER INSERT ON devices BEGIN
    INSERT INTO devices_search (rowid, name, ip_address, sys_name, vendor, mac_address, mac_hex)
    VALUES (new.id, new.name, new.ip_address, new.sys_name, new.vendor, new.mac_address,
      replace(new.mac_address, ':', ''));
  END;
  CREATE TRIGGER devices_search_update AFTER UPDATE OF name, ip_address, sys_name, vendor, mac_address ON devices
  WHEN old.name IS NOT new.name OR old.ip_address IS NOT new.ip_address OR old.sys_name IS NOT new.sys_name
    OR old.vendor IS NOT new.vendor OR old.mac_address IS NOT new.mac_address BEGIN
    DELETE FROM devices_search WHERE rowid = old.id;
    INSERT INTO devices_search (rowid, name, ip_address, sys_name, vendor, mac_address, mac_hex)
    VALUES (new.id, new.name, new.ip_address, new.sys_name, new.vendor, new.mac_address,
      replace(new.mac_address, ':', ''));
  END;
  CREATE TRIGGER devices_search_delete AFTER DELETE ON devices BEGIN
    DELETE FROM devices_search WHERE rowid = old.id;
  END;

  CREATE VIRTUAL TABLE alerts_search USING fts5(title, tokenize = 'trigram');
  INSERT INTO alerts_search (rowid, title) SELECT id, title FROM alerts;
  CREATE TRIGGER alerts_search_insert AFTER INSERT ON alerts BEGIN
    INSERT INTO alerts_search (rowid, title) VALUES (new.id, new.title);
  END;
  CREATE TRIGGER alerts_search_update AFTER UPDATE OF title ON alerts WHEN old.title IS NOT new.title BEGIN
    DELETE FROM alerts_search WHERE rowid = old.id;
    INSERT INTO alerts_search (rowid, title) VALUES (new.id, new.title);
  END;
  CREATE TRIGGER alerts_search_delete AFTER DELETE ON alerts BEGIN
    DELETE FROM alerts_search WHERE rowid = old.id;
  END;
`;

export const m009FleetIndexes: Migration = {
  version: 9,
  name: 'fleet_indexes',
  up(db) {
    for (const i of FLEET_INDEXES) db.exec(i.sql);
    db.exec(SEARCH);
  },
};
