import type { EnrollmentTokenRepo, EnrollmentTokenRow, TokenRefusal } from '../enrollment-tokens.js';
import type { Scope } from './connection.js';

const COLUMNS = 'id, site_id, expires_at, used_at, used_by, created_by, created_at';

export class SqliteEnrollmentTokens implements EnrollmentTokenRepo {
  constructor(private readonly s: Scope) {}

  create(t: {
    token_hash: string;
    site_id: number;
    expires_at: number;
    created_by: number | null;
    created_at: number;
  }): Promise<EnrollmentTokenRow> {
    return this.s.run(() => {
      const info = this.s
        .stmt(
          'INSERT INTO enrollment_tokens (token_hash, site_id, expires_at, created_by, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(t.token_hash, t.site_id, t.expires_at, t.created_by, t.created_at);
      return this.s
        .stmt(`SELECT ${COLUMNS} FROM enrollment_tokens WHERE id = ?`)
        .get(info.lastInsertRowid) as EnrollmentTokenRow;
    });
  }

  consume(
    tokenHash: string,
    agentId: string,
    now: number,
  ): Promise<{ ok: true; row: EnrollmentTokenRow } | { ok: false; reason: TokenRefusal }> {
    return this.s.atomic(() => {
      const row = this.s
        .stmt(`SELECT ${COLUMNS} FROM enrollment_tokens WHERE token_hash = ?`)
        .get(tokenHash) as EnrollmentTokenRow | undefined;
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.used_at !== null) return { ok: false, reason: 'used' };
      if (row.expires_at <= now) return { ok: false, reason: 'expired' };
      // The guard on used_at makes the spend single even if two writers read the row before either wrote.
      const changed = this.s
        .stmt('UPDATE enrollment_tokens SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL')
        .run(now, agentId, row.id).changes;
      if (changed === 0) return { ok: false, reason: 'used' };
      return { ok: true, row: { ...row, used_at: now, used_by: agentId } };
    });
  }
}
