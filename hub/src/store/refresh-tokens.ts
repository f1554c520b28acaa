import type { Db } from './db.js';

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

export function insertRefreshToken(
  db: Db,
  t: { user_id: number; family: string; token_hash: string; issued_at: number; expires_at: number },
): void {
  db.prepare(
    'INSERT INTO refresh_tokens (user_id, family, token_hash, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)',
  ).run(t.user_id, t.family, t.token_hash, t.issued_at, t.expires_at);
}

export function findRefreshToken(db: Db, tokenHash: string): RefreshTokenRow | undefined {
  return db.prepare('SELECT * FROM refresh_tokens WHERE token_hash = ?').get(tokenHash) as
    | RefreshTokenRow
    | undefined;
}

/** Marks a token used; false when it was already used or revoked (a concurrent or replayed refresh). */
export function markUsed(db: Db, id: number, now: number): boolean {
  return (
    db
      .prepare(
        'UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL',
      )
      .run(now, id).changes === 1
  );
}

export function revokeFamily(db: Db, family: string, now: number): number {
  return db
    .prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL')
    .run(now, family).changes;
}

export function revokeUserTokens(db: Db, userId: number, now: number): number {
  return db
    .prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
    .run(now, userId).changes;
}

/** Drops rows expired for more than `graceMs` (kept a while so a late replay is still recognised). */
export function pruneRefreshTokens(db: Db, now: number, graceMs = 7 * 24 * 3600 * 1000): number {
  return db.prepare('DELETE FROM refresh_tokens WHERE expires_at < ?').run(now - graceMs).changes;
}
