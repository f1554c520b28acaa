import { type ApiKeyRepo, type ApiKeyRow, keyScope, type NewApiKey } from '../api-keys.js';
import type { Scope } from './connection.js';

export class SqliteApiKeys implements ApiKeyRepo {
  constructor(private readonly s: Scope) {}

  insert(k: NewApiKey): Promise<ApiKeyRow> {
    const scope = keyScope(k);
    return this.s.atomic(() => {
      const row = this.s
        .stmt(
          `INSERT INTO api_keys (user_id, name, role, site_id, prefix, key_hash, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(
          k.user_id,
          k.name,
          k.role,
          k.site_id,
          k.prefix,
          k.key_hash,
          k.created_at,
          k.expires_at,
        ) as ApiKeyRow;
      if (scope) this.s.stmt('INSERT INTO api_key_scopes (api_key_id) VALUES (?)').run(row.id);
      const site = this.s.stmt('INSERT INTO api_key_scope_grants (api_key_id, site_id) VALUES (?, ?)');
      const group = this.s.stmt('INSERT INTO api_key_scope_grants (api_key_id, group_id) VALUES (?, ?)');
      for (const id of scope?.sites ?? []) site.run(row.id, id);
      for (const id of scope?.groups ?? []) group.run(row.id, id);
      return row;
    });
  }

  get(id: number): Promise<ApiKeyRow | undefined> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM api_keys WHERE id = ?').get(id) as ApiKeyRow | undefined,
    );
  }

  byHash(keyHash: string): Promise<ApiKeyRow | undefined> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM api_keys WHERE key_hash = ?').get(keyHash) as ApiKeyRow | undefined,
    );
  }

  list(filter: { user_id?: number } = {}): Promise<ApiKeyRow[]> {
    return this.s.run(() =>
      filter.user_id === undefined
        ? (this.s.stmt('SELECT * FROM api_keys ORDER BY id DESC').all() as ApiKeyRow[])
        : (this.s
            .stmt('SELECT * FROM api_keys WHERE user_id = ? ORDER BY id DESC')
            .all(filter.user_id) as ApiKeyRow[]),
    );
  }

  touch(id: number, ts: number, granularityMs: number): Promise<void> {
    return this.s.run(() => {
      this.s
        .stmt(
          'UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)',
        )
        .run(ts, id, ts - granularityMs);
    });
  }

  revoke(id: number, ts: number): Promise<boolean> {
    return this.s.run(
      () =>
        this.s.stmt('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(ts, id)
          .changes === 1,
    );
  }

  prune(before: number): Promise<number> {
    return this.s.run(
      () =>
        this.s.stmt('DELETE FROM api_keys WHERE revoked_at < ? OR expires_at < ?').run(before, before)
          .changes,
    );
  }
}
