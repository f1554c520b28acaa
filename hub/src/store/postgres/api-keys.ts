import { type ApiKeyRepo, type ApiKeyRow, keyScope, type NewApiKey } from '../api-keys.js';
import type { Scope } from './connection.js';

export class PgApiKeys implements ApiKeyRepo {
  constructor(private readonly s: Scope) {}

  insert(k: NewApiKey): Promise<ApiKeyRow> {
    const scope = keyScope(k);
    return this.s.atomic(async (s) => {
      const row = (await s.get<ApiKeyRow>(
        `INSERT INTO api_keys (user_id, name, role, site_id, prefix, key_hash, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        k.user_id,
        k.name,
        k.role,
        k.site_id,
        k.prefix,
        k.key_hash,
        k.created_at,
        k.expires_at,
      )) as ApiKeyRow;
      if (scope) await s.run('INSERT INTO api_key_scopes (api_key_id) VALUES (?)', row.id);
      if (scope?.sites.length)
        await s.run(
          'INSERT INTO api_key_scope_grants (api_key_id, site_id) SELECT ?, unnest(?::bigint[])',
          row.id,
          scope.sites,
        );
      if (scope?.groups.length)
        await s.run(
          'INSERT INTO api_key_scope_grants (api_key_id, group_id) SELECT ?, unnest(?::bigint[])',
          row.id,
          scope.groups,
        );
      return row;
    });
  }

  get(id: number): Promise<ApiKeyRow | undefined> {
    return this.s.get<ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?', id);
  }

  byHash(keyHash: string): Promise<ApiKeyRow | undefined> {
    return this.s.get<ApiKeyRow>('SELECT * FROM api_keys WHERE key_hash = ?', keyHash);
  }

  list(filter: { user_id?: number } = {}): Promise<ApiKeyRow[]> {
    return filter.user_id === undefined
      ? this.s.all<ApiKeyRow>('SELECT * FROM api_keys ORDER BY id DESC')
      : this.s.all<ApiKeyRow>('SELECT * FROM api_keys WHERE user_id = ? ORDER BY id DESC', filter.user_id);
  }

  async touch(id: number, ts: number, granularityMs: number): Promise<void> {
    await this.s.run(
      'UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)',
      ts,
      id,
      ts - granularityMs,
    );
  }

  async revoke(id: number, ts: number): Promise<boolean> {
    return (
      (await this.s.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', ts, id)) ===
      1
    );
  }

  prune(before: number): Promise<number> {
    return this.s.run('DELETE FROM api_keys WHERE revoked_at < ? OR expires_at < ?', before, before);
  }
}
