import type { Role } from '../auth/roles.js';

/** An API key as stored: only the SHA-256 of the key, never the key. Times are epoch milliseconds. */
export interface ApiKeyRow {
  id: number;
  user_id: number;
  name: string;
  /** What the key may do: never more than its user's role when it was created (and than the user's role now). */
  role: Role;
  /** The one site the key is limited to, or null for every site its user may see. */
  site_id: number | null;
  /** The key's first characters, shown in lists so that a user recognises a key (not enough to use it). */
  prefix: string;
  key_hash: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export type NewApiKey = Omit<ApiKeyRow, 'id' | 'last_used_at' | 'revoked_at'>;

/** API keys of users (`Authorization: Bearer opk_...`). */
export interface ApiKeyRepo {
  /** Rejects with StoreError `reference` when the user or the site does not exist. */
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
