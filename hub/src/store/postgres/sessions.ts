import type { RefreshTokenRow, SessionRepo } from '../sessions.js';
import type { Scope } from './connection.js';

export class PgSessions implements SessionRepo {
  constructor(private readonly s: Scope) {}

  async insert(t: {
    user_id: number;
    family: string;
    token_hash: string;
    issued_at: number;
    expires_at: number;
  }): Promise<void> {
    await this.s.run(
      'INSERT INTO refresh_tokens (user_id, family, token_hash, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      t.user_id,
      t.family,
      t.token_hash,
      t.issued_at,
      t.expires_at,
    );
  }

  find(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    return this.s.get<RefreshTokenRow>('SELECT * FROM refresh_tokens WHERE token_hash = ?', tokenHash);
  }

  async markUsed(id: number, now: number): Promise<boolean> {
    // The guard makes the use single when two refreshes race: the second finds used_at set once the first commits.
    return (
      (await this.s.run(
        'UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL',
        now,
        id,
      )) === 1
    );
  }

  revokeFamily(family: string, now: number): Promise<number> {
    return this.s.run(
      'UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL',
      now,
      family,
    );
  }

  revokeUser(userId: number, now: number): Promise<number> {
    return this.s.run(
      'UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL',
      now,
      userId,
    );
  }

  prune(before: number): Promise<number> {
    return this.s.run('DELETE FROM refresh_tokens WHERE expires_at < ?', before);
  }
}
