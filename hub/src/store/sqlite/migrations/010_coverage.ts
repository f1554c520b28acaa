import type { Migration } from './types.js';

/**
 * What sites have beyond SNMP polling: checks on devices (with each check's last state), custom OIDs per
 * device and per site, a site's own trap receiver settings, the switch port that feeds a camera, and a
 * device's events by time (its traps on the device page).
 */
export const m010Coverage: Migration = {
  version: 10,
  name: 'coverage',
  up(db) {
    db.exec(`
      -- Checks (icmp, tcp, http, dns, ...) on a device, SNMP or not. params: the kind's parameters as JSON.
      -- status: unknown until the first run, then up or down as last reported; status_changed_at: when it
      -- last changed (the first report counts as a change).
      CREATE TABLE checks (
        id                INTEGER PRIMARY KEY,
        device_id         INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        name              TEXT NOT NULL,
        kind              TEXT NOT NULL,
        interval_s        INTEGER NOT NULL,
        timeout_ms        INTEGER NOT NULL,
        params            TEXT NOT NULL,
        enabled           INTEGER NOT NULL DEFAULT 1,
        status            TEXT NOT NULL DEFAULT 'unknown',
        status_error      TEXT,
        status_changed_at INTEGER,
        last_run_at       INTEGER,
        response_ms       REAL,
        facts             TEXT,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL,
        UNIQUE (device_id, name)
      );

      -- Extra OIDs to poll: of one device, or of every SNMP device of a site (exactly one of the two).
      CREATE TABLE custom_oids (
        id            INTEGER PRIMARY KEY,
        site_id       INTEGER REFERENCES sites(id) ON DELETE CASCADE,
        device_id     INTEGER REFERENCES devices(id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        oid           TEXT NOT NULL,
        name          TEXT NOT NULL,
        type          TEXT NOT NULL,
        unit          TEXT,
        scale         REAL NOT NULL,
        walk          INTEGER NOT NULL,
        sys_object_id TEXT,
        CHECK ((site_id IS NULL) <> (device_id IS NULL))
      );
      CREATE INDEX custom_oids_site ON custom_oids(site_id);
      CREATE INDEX custom_oids_device ON custom_oids(device_id);

      -- A site's own trap receiver (sites without a row get the hub-wide agentTraps* settings).
      -- users_json: the v3 inform users without keys; secret: encrypted JSON of the communities and keys.
      CREATE TABLE site_traps (
        site_id    INTEGER PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
        enabled    INTEGER NOT NULL,
        port       INTEGER NOT NULL,
        address    TEXT NOT NULL,
        rate_per_s REAL NOT NULL,
        burst      INTEGER NOT NULL,
        max_per_s  REAL NOT NULL,
        users_json TEXT NOT NULL,
        secret     TEXT,
        updated_at INTEGER NOT NULL
      );

      -- The switch (and its PoE port, as POWER-ETHERNET-MIB labels it: group.port) a camera hangs off.
      ALTER TABLE cameras ADD COLUMN uplink_device_id INTEGER REFERENCES devices(id) ON DELETE SET NULL;
      ALTER TABLE cameras ADD COLUMN uplink_port TEXT;

      -- A device's events newest first (its traps on the device page).
      CREATE INDEX agent_events_device_ts ON agent_events(device_id, ts);
    `);
  },
};
