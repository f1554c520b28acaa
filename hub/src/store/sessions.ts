/** One issued refresh token (only its hash is stored). A family is the chain of one login. */
export interface RefreshTokenRow {
  id: number;
  user_id: number;
  family: string;
  token_hash: string;
  issued_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

/** Rotating refresh tokens. */
export interface SessionRepo {
  insert(t: {
    user_id: number;
    family: string;
    token_hash: string;
    issued_at: number;
    expires_at: number;
  }): Promise<void>;
  find(tokenHash: string): Promise<RefreshTokenRow | undefined>;
  /** Marks a token used; false when it was already used or revoked (a concurrent or replayed refresh). */
  markUsed(id: number, now: number): Promise<boolean>;
  /** Revokes every live token of a family; returns how many. */
  revokeFamily(family: string, now: number): Promise<number>;
  /** Revokes every live token of a user; returns how many. */
  revokeUser(userId: number, now: number): Promise<number>;
  /** Deletes tokens expired before `before`; returns how many. */
  prune(before: number): Promise<number>;
}
