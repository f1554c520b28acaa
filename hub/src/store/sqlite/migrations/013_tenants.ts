import type { Migration } from './types.js';

/**
 * Tenants: site groups (customers), a site in at most one group, and scopes limiting users and API keys to
 * sites and groups. A row in `*_scopes` marks a limited principal apart from its grants, so that a scope whose sites were
 * all deleted covers nothing rather than everything. Site-limited API keys keep their site as a grant.
 */
export const m013Tenants: Migration = {
  version: 13,
  name: 'tenants',
  up(db) {
    db.exec(`
      CREATE TABLE site_groups (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
        description TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      );
      ALTER TABLE sites ADD COLUMN group_id INTEGER REFERENCES site_groups(id) ON DELETE SET NULL;
      CREATE INDEX sites_group ON sites(group_id);
      CREATE TABLE user_scopes (
        user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE
      );
      CREATE TABLE user_scope_grants (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES user_scopes(user_id) ON DELETE CASCADE,
        site_id  INTEGER REFERENCES sites(id) ON DELETE CASCADE,
        group_id INTEGER REFERENCES site_groups(id) ON DELETE CASCADE,
        CHECK ((site_id IS NULL) <> (group_id IS NULL))
      );
      CREATE UNIQUE INDEX user_scope_grants_one
        ON user_scope_grants(user_id, coalesce(site_id, 0), coalesce(group_id, 0));
      CREATE TABLE api_key_scopes (
        api_key_id INTEGER PRIMARY KEY REFERENCES api_keys(id) ON DELETE CASCADE
      );
      CREATE TABLE api_key_scope_grants (
        id INTEGER PRIMARY KEY,
        api_key_id INTEGER NOT NULL REFERENCES api_key_scopes(api_key_id) ON DELETE CASCADE,
        site_id  INTEGER REFERENCES sites(id) ON DELETE CASCADE,
        group_id INTEGER REFERENCES site_groups(id) ON DELETE CASCADE,
        CHECK ((site_id IS NULL) <> (group_id IS NULL))
      );
      CREATE UNIQUE INDEX api_key_scope_grants_one
        ON api_key_scope_grants(api_key_id, coalesce(site_id, 0), coalesce(group_id, 0));
      INSERT INTO api_key_scopes (api_key_id) SELECT id FROM api_keys WHERE site_id IS NOT NULL;
      INSERT INTO api_key_scope_grants (api_key_id, site_id) SELECT id, site_id FROM api_keys WHERE site_id IS NOT NULL;
    `);
  },
};
