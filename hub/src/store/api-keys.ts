import type { Role } from '../auth/roles.js';
import type { SiteScope } from './tenancy.js';

/** An API key as stored: only the SHA-256 of the key, never the key. Times are epoch milliseconds. */
export interface ApiKeyRow {
  id: number;
  user_id: number;
  name: string;
  /** What the key may do: never more than its user's role when it was created (and than the user's role now). */
  role: Role;
  /** The one site the key was limited to when created with only a site (its scope is in ScopeRepo). */
  site_id: number | null;
  /** The key's first characters, shown in lists so that a user recognises a key (not enough to use it). */
  prefix: string;
  key_hash: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export type NewApiKey = Omit<ApiKeyRow, 'id' | 'last_used_at' | 'revoked_at'> & {
  /**
   * The sites and site groups the key is limited to (tenancy.ts), set with the key in one transaction. A
   * `site_id` alone is the same as a scope of that one site.
   */
  scope?: SiteScope | null;
};

/** API keys of users (`Authorization: Bearer opk_...`). */
export interface ApiKeyRepo {
  /** Rejects with StoreError `reference` when the user, a site or a group does not exist. */
  insert(k: NewApiKey): Promise<ApiKeyRow>;
  get(id: number): Promise<ApiKeyRow | undefined>;
  byHash(keyHash: string): Promise<ApiKeyRow | undefined>;
  /** Newest first; one user's keys, or every key. */
  list(filter?: { user_id?: number }): Promise<ApiKeyRow[]>;
  /**
   * Records a use at `ts`, at most once per `granularityMs` (a key used on every request does not write on
   * every request).
   */
  touch(id: number, ts: number, granularityMs: number): Promise<void>;
  /** Marks the key revoked; false when it was unknown or already revoked. */
  revoke(id: number, ts: number): Promise<boolean>;
  /** Deletes keys revoked or expired before `before` (kept until then to show in lists); returns how many. */
  prune(before: number): Promise<number>;
}

/** The scope a new key is stored with: its scope, or its one site, deduplicated; null when unscoped. */
export function keyScope(k: Pick<NewApiKey, 'site_id' | 'scope'>): SiteScope | null {
  if (k.scope)
    return {
      sites: [...new Set([...k.scope.sites, ...(k.site_id === null ? [] : [k.site_id])])],
      groups: [...new Set(k.scope.groups)],
    };
  return k.site_id === null ? null : { sites: [k.site_id], groups: [] };
}
