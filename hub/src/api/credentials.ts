import type { Context } from 'hono';
import { forgetInitialPassword, hashCost } from '../auth/first-run.js';
import { checkPassword, hashPassword, verifyPassword } from '../auth/passwords.js';
import { RateLimiter } from '../auth/rate-limit.js';
import type { HubContext } from '../context.js';
import type { UserRow } from '../store/users.js';
import { ApiError, unauthorized } from './errors.js';
import { clientIp } from './middleware/observe.js';
import type { HubEnv } from './types.js';

interface Limiters {
  byClient: RateLimiter;
  byUser: RateLimiter;
}

// One pair of limiters per hub, shared by every login route (API and dashboard), so that a second route
// never doubles the attempts a guesser gets.
const limiters = new WeakMap<HubContext, Limiters>();

function limitersOf(hub: HubContext): Limiters {
  let l = limiters.get(hub);
  if (!l) {
    const perMinute = hub.config.loginRateLimitPerMinute;
    l = {
      byClient: new RateLimiter(perMinute, 60_000, hub.clock),
      byUser: new RateLimiter(perMinute, 60_000, hub.clock),
    };
    limiters.set(hub, l);
  }
  return l;
}

/**
 * Checks a username and password under the login rate limits (per client address and per username: 429 with
 * Retry-After) and returns the user. Wrong credentials, unknown and disabled users all get the same 401.
 */
export async function checkLogin(
  hub: HubContext,
  c: Context<HubEnv>,
  username: string,
  password: string,
): Promise<UserRow> {
  const { byClient, byUser } = limitersOf(hub);
  c.set('auditActor', { username });
  c.set('auditTarget', { type: 'session' });
  const userKey = `user:${username.toLowerCase()}`;
  for (const check of [byClient.hit(`ip:${clientIp(c)}`), byUser.hit(userKey)]) {
    if (!check.allowed) {
      throw new ApiError(
        429,
        'rate_limited',
        `too many login attempts; retry in ${check.retryAfterS} s`,
        undefined,
        {
          'Retry-After': String(check.retryAfterS),
        },
      );
    }
  }
  const row = await hub.store.users.byName(username);
  const ok = await verifyPassword(password, row?.password_hash, hashCost(hub));
  if (!row || !ok || row.disabled) {
    hub.logger.warn({ username, ip: clientIp(c) }, 'login failed');
    throw unauthorized('wrong username or password');
  }
  c.set('auditActor', { id: row.id, username: row.username });
  byUser.reset(userKey);
  await hub.store.users.touchLogin(row.id, hub.clock());
  return row;
}

/**
 * Changes the logged-in user's own password: the current one must match (422 otherwise: the session itself
 * is fine), the new one must pass the policy and differ. Every session of the user ends.
 */
export async function changeOwnPassword(
  hub: HubContext,
  c: Context<HubEnv>,
  currentPassword: string,
  newPassword: string,
): Promise<void> {
  const row = await hub.store.users.get(c.var.user!.id);
  if (!row || !(await verifyPassword(currentPassword, row.password_hash, hashCost(hub)))) {
    throw new ApiError(422, 'wrong_password', 'current_password is wrong', [
      { path: 'body.current_password', message: 'wrong password' },
    ]);
  }
  const problem = checkPassword(newPassword, row.username, { minLength: hub.config.passwordMinLength });
  if (problem) {
    throw new ApiError(422, 'weak_password', `new_password ${problem}`, [
      { path: 'body.new_password', message: problem },
    ]);
  }
  if (await verifyPassword(newPassword, row.password_hash)) {
    throw new ApiError(422, 'weak_password', 'new_password must differ from the current one', [
      { path: 'body.new_password', message: 'same as current' },
    ]);
  }
  const hash = await hashPassword(newPassword, hashCost(hub));
  const now = hub.clock();
  await hub.store.unit(async (tx) => {
    await tx.users.setPasswordHash(row.id, hash, now);
    await tx.sessions.revokeUser(row.id, now);
  });
  forgetInitialPassword(hub.config.dataDir, row.username);
  c.set('auditTarget', { type: 'user', id: row.id });
}
