import type { Migration } from './types.js';

/**
 * Onboarding at scale: credential sets (per site, or global with no site) whose entries devices and cameras
 * may reference instead of carrying their own secrets; the hosts each site's discovery found; the latest
 * topology facts of each device and agent; upstream parents inferred from them (an operator may pin one);
 * cameras get a manual parent and a MAC like devices; per-site discovery schedules.
 */
export const m008Discovery: Migration = {
  version: 8,
  name: 'discovery',
  up(db) {
    db.exec(`
      CREATE TABLE credential_sets (
        id         INTEGER PRIMARY KEY,
        site_id    INTEGER REFERENCES sites(id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX credential_sets_name ON credential_sets(coalesce(site_id, 0), name COLLATE NOCASE);

      -- settings: the non-secret part (SNMP version, user, protocols; a camera's username); secret: encrypted.
      CREATE TABLE credentials (
        id         INTEGER PRIMARY KEY,
        set_id     INTEGER NOT NULL REFERENCES credential_sets(id) ON DELETE CASCADE,
        kind       TEXT NOT NULL CHECK (kind IN ('snmp', 'camera')),
        position   INTEGER NOT NULL,
        settings   TEXT NOT NULL,
        secret     TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX credentials_set ON credentials(set_id, kind, position);

      ALTER TABLE devices ADD COLUMN credential_id INTEGER REFERENCES credentials(id) ON DELETE SET NULL;
      ALTER TABLE cameras ADD COLUMN credential_id INTEGER REFERENCES credentials(id) ON DELETE SET NULL;
      ALTER TABLE cameras ADD COLUMN parent_id INTEGER REFERENCES devices(id) ON DELETE SET NULL;
      ALTER TABLE cameras ADD COLUMN mac_address TEXT;

      CREATE TABLE discovered_hosts (
        site_id    INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        ip         TEXT NOT NULL,
        host       TEXT NOT NULL,
        first_seen INTEGER NOT NULL,
        last_seen  INTEGER NOT NULL,
        job_id     TEXT,
        PRIMARY KEY (site_id, ip)
      );

      CREATE TABLE device_topology (
        device_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
        ts        INTEGER NOT NULL,
        facts     TEXT NOT NULL
      );
      CREATE TABLE agent_networks (
        agent_id TEXT PRIMARY KEY,
        ts       INTEGER NOT NULL,
        facts    TEXT NOT NULL
      );

      -- Upstream parents inferred from the site graph (parent_id NULL: right at the agent's port).
      CREATE TABLE inferred_parents (
        target_kind TEXT NOT NULL CHECK (target_kind IN ('device', 'camera')),
        target_id   INTEGER NOT NULL,
        site_id     INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
        parent_id   INTEGER REFERENCES devices(id) ON DELETE SET NULL,
        evidence    TEXT NOT NULL,
        pinned      INTEGER NOT NULL DEFAULT 0,
        inferred_at INTEGER NOT NULL,
        PRIMARY KEY (target_kind, target_id)
      );
      CREATE INDEX inferred_parents_site ON inferred_parents(site_id);

      CREATE TABLE discovery_schedules (
        site_id     INTEGER PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
        args        TEXT NOT NULL,
        interval_s  INTEGER NOT NULL,
        next_run_at INTEGER NOT NULL,
        last_job_id TEXT,
        updated_at  INTEGER NOT NULL
      );
    `);
  },
};
