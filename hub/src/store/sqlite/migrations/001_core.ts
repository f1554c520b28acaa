import type { Migration } from './types.js';

/** Users, sessions, audit, inventory (sites, devices, cameras), alerts and the time series. */
export const m001Core: Migration = {
  version: 1,
  name: 'core',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
        email         TEXT,
        role          TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
        password_hash TEXT NOT NULL,
        disabled      INTEGER NOT NULL DEFAULT 0,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        last_login_at INTEGER,
        password_changed_at INTEGER NOT NULL
      );

      -- Rotating refresh tokens: one row per issued token; a family is one login's chain.
      CREATE TABLE refresh_tokens (
        id          INTEGER PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        family      TEXT NOT NULL,
        token_hash  TEXT NOT NULL UNIQUE,
        issued_at   INTEGER NOT NULL,
        expires_at  INTEGER NOT NULL,
        used_at     INTEGER,
        revoked_at  INTEGER
      );
      CREATE INDEX refresh_tokens_family ON refresh_tokens(family);

      CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY,
        ts          INTEGER NOT NULL,
        user_id     INTEGER,
        username    TEXT,
        action      TEXT NOT NULL,
        target_type TEXT,
        target_id   TEXT,
        client_ip   TEXT,
        outcome     TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
        status      INTEGER,
        details     TEXT
      );
      CREATE INDEX audit_log_ts ON audit_log(ts);

      CREATE TABLE sites (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
        address    TEXT,
        location   TEXT,
        timezone   TEXT NOT NULL DEFAULT 'UTC',
        notes      TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      -- snmp_json holds the non-secret SNMP settings; snmp_secret the encrypted community / v3 keys.
      CREATE TABLE devices (
        id              INTEGER PRIMARY KEY,
        name            TEXT NOT NULL,
        ip_address      TEXT NOT NULL,
        site_id         INTEGER NOT NULL REFERENCES sites(id),
        parent_id       INTEGER REFERENCES devices(id) ON DELETE SET NULL,
        vendor          TEXT,
        device_type     TEXT NOT NULL DEFAULT 'other',
        snmp_json       TEXT NOT NULL,
        snmp_secret     TEXT,
        poll_interval_s INTEGER NOT NULL DEFAULT 60,
        profile         TEXT,
        meta            TEXT NOT NULL DEFAULT '{}',
        status          TEXT NOT NULL DEFAULT 'unknown',
        status_error    TEXT,
        last_seen       INTEGER,
        sys_name        TEXT,
        sys_descr       TEXT,
        sys_object_id   TEXT,
        uptime_s        REAL,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
      );
      CREATE INDEX devices_site ON devices(site_id);
      CREATE INDEX devices_status ON devices(status);

      CREATE TABLE cameras (
        id               INTEGER PRIMARY KEY,
        name             TEXT NOT NULL,
        ip_address       TEXT NOT NULL,
        rtsp_url         TEXT NOT NULL,
        username         TEXT,
        password_secret  TEXT,
        location         TEXT,
        site_id          INTEGER NOT NULL REFERENCES sites(id),
        meta             TEXT NOT NULL DEFAULT '{}',
        status           TEXT NOT NULL DEFAULT 'unknown',
        status_reason    TEXT,
        last_seen        INTEGER,
        last_snapshot_at INTEGER,
        stream_json      TEXT,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL
      );
      CREATE INDEX cameras_site ON cameras(site_id);

      CREATE TABLE alerts (
        id              INTEGER PRIMARY KEY,
        rule            TEXT NOT NULL DEFAULT 'manual',
        target_key      TEXT,
        severity        TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
        state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
        title           TEXT NOT NULL,
        message         TEXT,
        device_id       INTEGER REFERENCES devices(id) ON DELETE SET NULL,
        camera_id       INTEGER REFERENCES cameras(id) ON DELETE SET NULL,
        site_id         INTEGER REFERENCES sites(id) ON DELETE SET NULL,
        agent_id        TEXT,
        created_at      INTEGER NOT NULL,
        last_seen       INTEGER NOT NULL,
        count           INTEGER NOT NULL DEFAULT 1,
        resolved_at     INTEGER,
        acknowledged    INTEGER NOT NULL DEFAULT 0,
        acknowledged_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        acknowledged_at INTEGER,
        ack_note        TEXT,
        ack_expires_at  INTEGER,
        created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL
      );
      CREATE INDEX alerts_state ON alerts(state, severity);
      CREATE INDEX alerts_created ON alerts(created_at);
      CREATE INDEX alerts_device ON alerts(device_id);
      CREATE INDEX alerts_camera ON alerts(camera_id);
      -- One open alert per (rule, target): repeats update it.
      CREATE UNIQUE INDEX alerts_open_per_target ON alerts(rule, target_key) WHERE state = 'open' AND target_key IS NOT NULL;

      -- Time series: one row per (target, metric, labels); samples raw, rollups per bucket.
      CREATE TABLE series (
        id          INTEGER PRIMARY KEY,
        target_kind TEXT NOT NULL CHECK (target_kind IN ('device', 'camera', 'agent')),
        target_id   TEXT NOT NULL,
        metric      TEXT NOT NULL,
        unit        TEXT,
        labels      TEXT NOT NULL DEFAULT '{}',
        UNIQUE (target_kind, target_id, metric, labels)
      );
      CREATE TABLE samples (
        series_id INTEGER NOT NULL,
        ts        INTEGER NOT NULL,
        value     REAL NOT NULL,
        PRIMARY KEY (series_id, ts)
      ) WITHOUT ROWID;
      CREATE TABLE rollups (
        series_id INTEGER NOT NULL,
        bucket_ts INTEGER NOT NULL,
        count     INTEGER NOT NULL,
        sum       REAL NOT NULL,
        min       REAL NOT NULL,
        max       REAL NOT NULL,
        PRIMARY KEY (series_id, bucket_ts)
      ) WITHOUT ROWID;
    `);
  },
};
