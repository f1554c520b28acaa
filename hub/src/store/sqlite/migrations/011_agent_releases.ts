import type { Migration } from './types.js';

/** Fleet upgrades: agent release bundles the hub serves, rollouts of them and the agents each one reached. */
export const m011AgentReleases: Migration = {
  version: 11,
  name: 'agent_releases',
  up(db) {
    db.exec(`
      -- A signed agent bundle (its bytes in the database, so that every hub of a scale-out can serve it).
      CREATE TABLE agent_releases (
        version     TEXT PRIMARY KEY,
        sha256      TEXT NOT NULL,
        size        INTEGER NOT NULL,
        node        TEXT NOT NULL,
        key_id      TEXT NOT NULL,
        signed      TEXT NOT NULL,
        content     BLOB NOT NULL,
        uploaded_at INTEGER NOT NULL,
        uploaded_by INTEGER REFERENCES users(id) ON DELETE SET NULL
      );

      CREATE TABLE rollouts (
        id          INTEGER PRIMARY KEY,
        version     TEXT NOT NULL REFERENCES agent_releases(version),
        state       TEXT NOT NULL CHECK (state IN ('active', 'paused', 'completed', 'cancelled')),
        site_id     INTEGER,
        percent     INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
        confirm_s   INTEGER NOT NULL,
        note        TEXT,
        created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        finished_at INTEGER
      );
      -- At most one rollout in progress.
      CREATE UNIQUE INDEX rollouts_current ON rollouts((1)) WHERE state IN ('active', 'paused');

      -- The agents a rollout selected (kept as history when an agent is deleted later).
      CREATE TABLE rollout_agents (
        rollout_id   INTEGER NOT NULL REFERENCES rollouts(id) ON DELETE CASCADE,
        agent_id     TEXT NOT NULL,
        site_id      INTEGER NOT NULL,
        from_version TEXT,
        state        TEXT NOT NULL CHECK (state IN
                       ('pending', 'installing', 'upgraded', 'skipped', 'failed', 'rolled_back')),
        job_id       TEXT,
        detail       TEXT,
        since        INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        PRIMARY KEY (rollout_id, agent_id)
      ) WITHOUT ROWID;
    `);
  },
};
