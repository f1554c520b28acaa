import type { Migration } from './types.js';

/** The hub <-> agent link: agents, enrollment, delivery state (batches, acks, gaps), agent events, jobs, config. */
export const m002Link: Migration = {
  version: 2,
  name: 'link',
  up(db) {
    db.exec(`
      -- id is the MQTT client id; only a hash of the secret is kept.
      CREATE TABLE agents (
        id                     TEXT PRIMARY KEY,
        site_id                INTEGER NOT NULL REFERENCES sites(id),
        hostname               TEXT,
        version                TEXT,
        secret_hash            TEXT NOT NULL,
        status                 TEXT NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'offline')),
        status_reason          TEXT,
        last_seen              INTEGER,
        started_at             INTEGER,
        config_version_applied INTEGER,
        backlog                INTEGER NOT NULL DEFAULT 0,
        dropped                INTEGER NOT NULL DEFAULT 0,
        invalid_payloads       INTEGER NOT NULL DEFAULT 0,
        refused_items          INTEGER NOT NULL DEFAULT 0,
        revoked_at             INTEGER,
        created_at             INTEGER NOT NULL,
        enrolled_with          INTEGER
      );
      CREATE INDEX agents_site ON agents(site_id);

      -- One-time tokens; only the SHA-256 of the token is stored.
      CREATE TABLE enrollment_tokens (
        id         INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        site_id    INTEGER NOT NULL REFERENCES sites(id),
        expires_at INTEGER NOT NULL,
        used_at    INTEGER,
        used_by    TEXT,
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL
      );

      -- Every batch stored, for idempotency on (agent, seq).
      CREATE TABLE agent_batches (
        agent_id    TEXT NOT NULL,
        seq         INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        samples     INTEGER NOT NULL,
        events      INTEGER NOT NULL,
        PRIMARY KEY (agent_id, seq)
      ) WITHOUT ROWID;

      -- Highest contiguous seq stored per agent (what down/ack carries).
      CREATE TABLE agent_acks (
        agent_id   TEXT PRIMARY KEY,
        up_to      INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NOT NULL
      );

      -- Seq ranges found missing when a later batch arrived; filled when they arrive, or declared lost.
      CREATE TABLE agent_gaps (
        id          INTEGER PRIMARY KEY,
        agent_id    TEXT NOT NULL,
        from_seq    INTEGER NOT NULL,
        to_seq      INTEGER NOT NULL,
        detected_at INTEGER NOT NULL,
        filled_at   INTEGER,
        lost_at     INTEGER
      );
      CREATE INDEX agent_gaps_open ON agent_gaps(agent_id) WHERE filled_at IS NULL AND lost_at IS NULL;

      -- Agent events other than routine state polls: errors, buffer drops, lifecycle, state changes.
      CREATE TABLE agent_events (
        id          INTEGER PRIMARY KEY,
        agent_id    TEXT NOT NULL,
        site_id     INTEGER NOT NULL,
        ts          INTEGER NOT NULL,
        type        TEXT NOT NULL,
        device_id   INTEGER,
        camera_id   INTEGER,
        data        TEXT NOT NULL,
        received_at INTEGER NOT NULL
      );
      CREATE INDEX agent_events_agent_ts ON agent_events(agent_id, ts);
      CREATE INDEX agent_events_ts ON agent_events(ts);

      CREATE TABLE jobs (
        id                  TEXT PRIMARY KEY,
        type                TEXT NOT NULL,
        args                TEXT NOT NULL,
        target_kind         TEXT,
        target_id           INTEGER,
        site_id             INTEGER NOT NULL,
        agent_id            TEXT,
        state               TEXT NOT NULL CHECK (state IN
                              ('queued', 'sent', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled')),
        progress            REAL,
        timeout_s           INTEGER NOT NULL,
        queue_timeout_s     INTEGER NOT NULL,
        created_by          INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at          INTEGER NOT NULL,
        sent_at             INTEGER,
        send_count          INTEGER NOT NULL DEFAULT 0,
        accepted_at         INTEGER,
        started_at          INTEGER,
        finished_at         INTEGER,
        cancel_requested_at INTEGER,
        result              TEXT,
        error               TEXT,
        updated_at          INTEGER NOT NULL
      );
      CREATE INDEX jobs_state ON jobs(state);
      CREATE INDEX jobs_agent ON jobs(agent_id, state);
      CREATE INDEX jobs_created ON jobs(created_at);

      CREATE TABLE job_logs (
        id     INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        ts     INTEGER NOT NULL,
        level  TEXT NOT NULL,
        line   TEXT NOT NULL
      );
      CREATE INDEX job_logs_job ON job_logs(job_id, id);

      -- The config version of each site: bumped when the content (hash) changes.
      CREATE TABLE site_config_versions (
        site_id    INTEGER PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
        version    INTEGER NOT NULL,
        hash       TEXT NOT NULL,
        issued_at  INTEGER NOT NULL
      );

      -- Small key/value state of background work (rollup watermark).
      CREATE TABLE hub_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      -- Rollup buckets that received samples after they were rolled up (late data); recomputed by retention.
      CREATE TABLE rollup_dirty (
        series_id INTEGER NOT NULL,
        bucket_ts INTEGER NOT NULL,
        PRIMARY KEY (series_id, bucket_ts)
      ) WITHOUT ROWID;
    `);
  },
};
