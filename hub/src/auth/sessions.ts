import { randomUUID } from 'node:crypto';
import type { HubContext } from '../context.js';
import type { Role } from './roles.js';
import { hashToken, newRefreshToken, type TokenService } from './tokens.js';

export interface Session {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
  user: SessionUser;
}

/** Who a session is for. */
export interface SessionUser {
  id: number;
  username: string;
  email: string | null;
  role: Role;
}

/** Issues an access token and a refresh token (a new family unless `family` continues one). */
export async function issueSession(
  hub: HubContext,
  tokens: TokenService,
  user: SessionUser,
  family: string = randomUUID(),
): Promise<Session> {
  const refresh = newRefreshToken();
  const now = hub.clock();
  await hub.store.sessions.insert({
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
  const { sessions, users } = hub.store;
  const row = await sessions.find(hashToken(presented));
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.used_at !== null || row.revoked_at !== null) {
    const revoked = await sessions.revokeFamily(row.family, now);
    hub.logger.warn({ user_id: row.user_id, revoked }, 'refresh token reused: token family revoked');
    return { ok: false, reason: 'reused', userId: row.user_id };
  }
  if (row.expires_at <= now) return { ok: false, reason: 'expired', userId: row.user_id };
  const user = await users.get(row.user_id);
  if (!user || user.disabled) {
    await sessions.revokeFamily(row.family, now);
    return { ok: false, reason: 'inactive', userId: row.user_id };
  }
  if (!(await sessions.markUsed(row.id, now))) {
    // Lost a race with a concurrent use of the same token: treat as reuse.
    await sessions.revokeFamily(row.family, now);
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
