import type { RefreshTokenRow, SessionRepo } from '../sessions.js';
import type { Scope } from './connection.js';

export class SqliteSessions implements SessionRepo {
  constructor(private readonly s: Scope) {}

  insert(t: {
    user_id: number;
    family: string;
    token_hash: string;
    issued_at: number;
    expires_at: number;
  }): Promise<void> {
    return this.s.run(() => {
      this.s
        .stmt(
          'INSERT INTO refresh_tokens (user_id, family, token_hash, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(t.user_id, t.family, t.token_hash, t.issued_at, t.expires_at);
    });
  }

  find(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    return this.s.run(
      () =>
        this.s.stmt('SELECT * FROM refresh_tokens WHERE token_hash = ?').get(tokenHash) as
          | RefreshTokenRow
          | undefined,
    );
  }

  markUsed(id: number, now: number): Promise<boolean> {
    return this.s.run(
      () =>
        this.s
          .stmt(
            'UPDATE refresh_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL',
          )
          .run(now, id).changes === 1,
    );
  }

  revokeFamily(family: string, now: number): Promise<number> {
    return this.s.run(
      () =>
        this.s
          .stmt('UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL')
          .run(now, family).changes,
    );
  }

  revokeUser(userId: number, now: number): Promise<number> {
    return this.s.run(
      () =>
        this.s
          .stmt('UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
          .run(now, userId).changes,
    );
  }

  prune(before: number): Promise<number> {
    return this.s.run(
      () => this.s.stmt('DELETE FROM refresh_tokens WHERE expires_at < ?').run(before).changes,
    );
  }
}
