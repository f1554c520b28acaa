import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db.js';

export interface EnrollmentTokenRow {
  id: number;
  site_id: number;
  expires_at: number;
  used_at: number | null;
  used_by: string | null;
  created_by: number | null;
  created_at: number;
}

/** Why a token cannot be used. */
export type TokenRefusal = 'unknown' | 'expired' | 'used';

export function hashEnrollmentToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new one-time token: `opt_` + 256 random bits (base64url). */
export function newEnrollmentToken(): string {
  return `opt_${randomBytes(32).toString('base64url')}`;
}

/** One-time enrollment tokens, stored hashed. */
export class EnrollmentTokenStore {
  constructor(private readonly db: Db) {}

  /** Creates a token for a site and returns it in clear (the only time it exists in clear). */
  create(a: { site_id: number; ttl_ms: number; created_by: number | null; now: number }): {
    token: string;
    row: EnrollmentTokenRow;
  } {
    const token = newEnrollmentToken();
    const info = this.db
      .prepare(
        `INSERT INTO enrollment_tokens (token_hash, site_id, expires_at, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
      )
      .run(hashEnrollmentToken(token), a.site_id, a.now + a.ttl_ms, a.created_by, a.now);
    const row = this.db
      .prepare(
        'SELECT id, site_id, expires_at, used_at, used_by, created_by, created_at FROM enrollment_tokens WHERE id = ?',
      )
      .get(info.lastInsertRowid) as EnrollmentTokenRow;
    return { token, row };
  }

  /**
   * Consumes a token for `agentId` if it is known, unexpired and unused. Call inside the transaction that
   * creates the agent so that a failure leaves the token usable.
   */
  consume(
    token: string,
    agentId: string,
    now: number,
  ): { ok: true; row: EnrollmentTokenRow } | { ok: false; reason: TokenRefusal } {
    const row = this.db
      .prepare(
        'SELECT id, site_id, expires_at, used_at, used_by, created_by, created_at FROM enrollment_tokens WHERE token_hash = ?',
      )
      .get(hashEnrollmentToken(token)) as EnrollmentTokenRow | undefined;
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.used_at !== null) return { ok: false, reason: 'used' };
    if (row.expires_at <= now) return { ok: false, reason: 'expired' };
    const changed = this.db
      .prepare('UPDATE enrollment_tokens SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL')
      .run(now, agentId, row.id).changes;
    if (changed === 0) return { ok: false, reason: 'used' };
    return { ok: true, row: { ...row, used_at: now, used_by: agentId } };
  }
}
