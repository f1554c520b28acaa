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

/** One-time enrollment tokens, stored as SHA-256 only. */
export interface EnrollmentTokenRepo {
  create(t: {
    token_hash: string;
    site_id: number;
    expires_at: number;
    created_by: number | null;
    created_at: number;
  }): Promise<EnrollmentTokenRow>;
  /**
   * Spends a token for `agentId` if it is known, unexpired and unused. Of two units of work spending the same
   * token, at most one succeeds. Use inside the unit that creates the agent so a failure leaves it unspent.
   */
  consume(
    tokenHash: string,
    agentId: string,
    now: number,
  ): Promise<{ ok: true; row: EnrollmentTokenRow } | { ok: false; reason: TokenRefusal }>;
}
