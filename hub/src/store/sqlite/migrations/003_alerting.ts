import type { Migration } from './types.js';

/**
 * Alerting: rules, maintenance windows, notification channels and routes, the durable notification outbox
 * with its delivery log, and the alert columns the engine needs (suppression, flapping, maintenance, notices).
 */
export const m003Alerting: Migration = {
  version: 3,
  name: 'alerting',
  up(db) {
    db.exec(`
      -- Built-in rules (one row per kind, created on first start) and user threshold rules.
      CREATE TABLE alert_rules (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind        TEXT NOT NULL,
        builtin     INTEGER NOT NULL DEFAULT 0,
        enabled     INTEGER NOT NULL DEFAULT 1,
        severity    TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
        params      TEXT NOT NULL DEFAULT '{}',
        description TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL
      );

      -- scope and schedule are JSON (see alerts/maintenance.ts).
      CREATE TABLE maintenance_windows (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        scope       TEXT NOT NULL,
        schedule    TEXT NOT NULL,
        enabled     INTEGER NOT NULL DEFAULT 1,
        notes       TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL
      );

      -- config holds the non-secret settings as JSON; secret the encrypted JSON of the secret ones.
      CREATE TABLE notification_channels (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
        type          TEXT NOT NULL,
        enabled       INTEGER NOT NULL DEFAULT 1,
        min_severity  TEXT NOT NULL DEFAULT 'info' CHECK (min_severity IN ('critical', 'high', 'medium', 'low', 'info')),
        daily_summary INTEGER NOT NULL DEFAULT 1,
        config        TEXT NOT NULL DEFAULT '{}',
        secret        TEXT,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      );

      -- A channel without routes gets every alert at or above its min_severity; routes narrow that.
      CREATE TABLE notification_routes (
        id                INTEGER PRIMARY KEY,
        channel_id        INTEGER NOT NULL REFERENCES notification_channels(id) ON DELETE CASCADE,
        position          INTEGER NOT NULL,
        scope             TEXT NOT NULL DEFAULT '{"type":"all"}',
        severities        TEXT,
        rules             TEXT,
        delay_s           INTEGER NOT NULL DEFAULT 0,
        repeat_interval_s INTEGER
      );
      CREATE INDEX notification_routes_channel ON notification_routes(channel_id);

      -- The durable outbox: one row per message to one channel, retried until delivered or given up.
      CREATE TABLE notification_outbox (
        id              INTEGER PRIMARY KEY,
        channel_id      INTEGER NOT NULL REFERENCES notification_channels(id) ON DELETE CASCADE,
        alert_id        INTEGER REFERENCES alerts(id) ON DELETE CASCADE,
        kind            TEXT NOT NULL CHECK (kind IN ('problem', 'repeat', 'recovery', 'flapping', 'test', 'summary')),
        payload         TEXT NOT NULL,
        status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error      TEXT,
        created_at      INTEGER NOT NULL,
        delivered_at    INTEGER
      );
      CREATE INDEX notification_outbox_due ON notification_outbox(status, next_attempt_at);
      CREATE INDEX notification_outbox_alert ON notification_outbox(alert_id, channel_id);

      -- Every delivery attempt, for the per-alert delivery log.
      CREATE TABLE notification_deliveries (
        id          INTEGER PRIMARY KEY,
        outbox_id   INTEGER NOT NULL REFERENCES notification_outbox(id) ON DELETE CASCADE,
        ts          INTEGER NOT NULL,
        ok          INTEGER NOT NULL,
        status_code INTEGER,
        error       TEXT,
        duration_ms INTEGER NOT NULL
      );
      CREATE INDEX notification_deliveries_outbox ON notification_deliveries(outbox_id);

      -- Small persistent facts of the alerting service (e.g. the day of the last daily summary).
      CREATE TABLE alerting_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      ALTER TABLE alerts ADD COLUMN rule_id INTEGER REFERENCES alert_rules(id) ON DELETE SET NULL;
      ALTER TABLE alerts ADD COLUMN suppressed INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE alerts ADD COLUMN suppressed_by TEXT;
      ALTER TABLE alerts ADD COLUMN flapping INTEGER NOT NULL DEFAULT 0;
      -- Transition times (JSON array of ms) inside the flap window.
      ALTER TABLE alerts ADD COLUMN transitions TEXT NOT NULL DEFAULT '[]';
      -- The maintenance window the problem began in: never notified, no recovery notice.
      ALTER TABLE alerts ADD COLUMN maintenance_id INTEGER;
      ALTER TABLE alerts ADD COLUMN notified_at INTEGER;
      ALTER TABLE alerts ADD COLUMN last_notified_at INTEGER;
      -- Set once the recovery notice is queued or known to be unneeded (quiet resolution, never notified).
      ALTER TABLE alerts ADD COLUMN recovery_handled_at INTEGER;
      ALTER TABLE alerts ADD COLUMN opened_at INTEGER;
      CREATE INDEX alerts_rule_target ON alerts(rule, target_key, resolved_at);
      -- The alerts notices may still be due for, read every second: a small partial index, not a scan of history.
      CREATE INDEX alerts_notify_pending ON alerts(id) WHERE state = 'open' OR recovery_handled_at IS NULL;
      CREATE INDEX alerts_flapping ON alerts(id) WHERE flapping = 1;
    `);
  },
};
