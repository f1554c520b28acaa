import type { Migration } from './types.js';

/** API keys of users: hashed, with a role no higher than their user's, optionally limited to one site. */
export const m012ApiKeys: Migration = {
  version: 12,
  name: 'api_keys',
  up(db) {
    db.exec(`
      CREATE TABLE api_keys (
        id           INTEGER PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        role         TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
        site_id      INTEGER REFERENCES sites(id) ON DELETE CASCADE,
        prefix       TEXT NOT NULL,
        key_hash     TEXT NOT NULL UNIQUE,
        created_at   INTEGER NOT NULL,
        expires_at   INTEGER,
        last_used_at INTEGER,
        revoked_at   INTEGER
      );
      CREATE INDEX api_keys_user ON api_keys(user_id);
    `);
  },
};
