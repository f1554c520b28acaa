import { randomUUID } from 'node:crypto';
import type { AuthUser } from '../api/types.js';
import type { HubContext } from '../context.js';
import { findRefreshToken, insertRefreshToken, markUsed, revokeFamily } from '../store/refresh-tokens.js';
import { getUser } from '../store/users.js';
import { hashToken, newRefreshToken, type TokenService } from './tokens.js';

export interface Session {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
  user: { id: number; username: string; email: string | null; role: AuthUser['role'] };
}

/** Issues an access token and a refresh token (a new family unless `family` continues one). */
export async function issueSession(
  hub: HubContext,
  tokens: TokenService,
  user: AuthUser,
  family: string = randomUUID(),
): Promise<Session> {
  const refresh = newRefreshToken();
  const now = hub.clock();
  insertRefreshToken(hub.db, {
    user_id: user.id,
    family,
    token_hash: hashToken(refresh),
    issued_at: now,
    expires_at: now + hub.config.refreshTokenTtlS * 1000,
  });
  return {
    access_token: await tokens.signAccess(user),
    refresh_token: refresh,
    token_type: 'Bearer',
    expires_in: tokens.accessTtlS,
    user: { id: user.id, username: user.username, email: user.email, role: user.role },
  };
}

export type RefreshOutcome =
  | { ok: true; session: Session }
  | { ok: false; reason: 'unknown' | 'expired' | 'reused' | 'inactive'; userId?: number };

/**
 * Rotates a refresh token: the presented one is spent and a new one of the same family is issued. Presenting
 * an already spent (or revoked) token means it was stolen or replayed: the whole family is revoked.
 */
export async function refreshSession(
  hub: HubContext,
  tokens: TokenService,
  presented: string,
): Promise<RefreshOutcome> {
  const now = hub.clock();
  const row = findRefreshToken(hub.db, hashToken(presented));
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.used_at !== null || row.revoked_at !== null) {
    const revoked = revokeFamily(hub.db, row.family, now);
    hub.logger.warn({ user_id: row.user_id, revoked }, 'refresh token reused: token family revoked');
    return { ok: false, reason: 'reused', userId: row.user_id };
  }
  if (row.expires_at <= now) return { ok: false, reason: 'expired', userId: row.user_id };
  const user = getUser(hub.db, row.user_id);
  if (!user || user.disabled) {
    revokeFamily(hub.db, row.family, now);
    return { ok: false, reason: 'inactive', userId: row.user_id };
  }
  if (!markUsed(hub.db, row.id, now)) {
    // Lost a race with a concurrent use of the same token: treat as reuse.
    revokeFamily(hub.db, row.family, now);
    return { ok: false, reason: 'reused', userId: row.user_id };
  }
  const session = await issueSession(
    hub,
    tokens,
    { id: user.id, username: user.username, email: user.email, role: user.role },
    row.family,
  );
  return { ok: true, session };
}
