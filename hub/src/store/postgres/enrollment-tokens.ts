import type { EnrollmentTokenRepo, EnrollmentTokenRow, TokenRefusal } from '../enrollment-tokens.js';
import type { Scope } from './connection.js';

const COLUMNS = 'id, site_id, expires_at, used_at, used_by, created_by, created_at';

export class PgEnrollmentTokens implements EnrollmentTokenRepo {
  constructor(private readonly s: Scope) {}

  async create(t: {
    token_hash: string;
    site_id: number;
    expires_at: number;
    created_by: number | null;
    created_at: number;
  }): Promise<EnrollmentTokenRow> {
    return (await this.s.get<EnrollmentTokenRow>(
      `INSERT INTO enrollment_tokens (token_hash, site_id, expires_at, created_by, created_at)
       VALUES (?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
      t.token_hash,
      t.site_id,
      t.expires_at,
      t.created_by,
      t.created_at,
    )) as EnrollmentTokenRow;
  }

  consume(
    tokenHash: string,
    agentId: string,
    now: number,
  ): Promise<{ ok: true; row: EnrollmentTokenRow } | { ok: false; reason: TokenRefusal }> {
    return this.s.atomic(async (s) => {
      // FOR UPDATE: a second spender waits here for the first to commit, then reads used_at set.
      const row = await s.get<EnrollmentTokenRow>(
        `SELECT ${COLUMNS} FROM enrollment_tokens WHERE token_hash = ? FOR UPDATE`,
        tokenHash,
      );
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.used_at !== null) return { ok: false, reason: 'used' };
      if (row.expires_at <= now) return { ok: false, reason: 'expired' };
      const changed = await s.run(
        'UPDATE enrollment_tokens SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL',
        now,
        agentId,
        row.id,
      );
      if (changed === 0) return { ok: false, reason: 'used' };
      return { ok: true, row: { ...row, used_at: now, used_by: agentId } };
    });
  }
}
