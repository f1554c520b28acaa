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
  /** Failed logins per client address. */
  byClient: RateLimiter;
  /** Failed logins per username, from clients that never logged in as that user before. */
  byUser: RateLimiter;
  /** Wrong current passwords per user in change-password. */
  byPasswordChange: RateLimiter;
  /** `username|address` pairs that logged in successfully: the per-username lock does not apply to them. */
  familiar: Map<string, number>;
}

/** How long a client address stays familiar for a username after a successful login. */
const FAMILIAR_MS = 30 * 86_400_000;
const FAMILIAR_MAX = 10_000;

// One set of limiters per hub, shared by every login route (API and dashboard), so that a second route
// never doubles the attempts a guesser gets.
const limiters = new WeakMap<HubContext, Limiters>();
function limitersOf(hub: HubContext): Limiters {
  let l = limiters.get(hub);
  if (!l) {
    const perMinute = hub.config.loginRateLimitPerMinute;
    l = {
      byClient: new RateLimiter(perMinute, 60_000, hub.clock),
      byUser: new RateLimiter(perMinute, 60_000, hub.clock),
      byPasswordChange: new RateLimiter(perMinute, 60_000, hub.clock),
      familiar: new Map(),
    };
    limiters.set(hub, l);
  }
  return l;
}

function tooMany(retryAfterS: number, what: string): ApiError {
  return new ApiError(429, 'rate_limited', `too many ${what}; retry in ${retryAfterS} s`, undefined, {
    'Retry-After': String(retryAfterS),
  });
}

function rememberFamiliar(l: Limiters, key: string, now: number): void {
  l.familiar.delete(key);
  l.familiar.set(key, now);
  if (l.familiar.size > FAMILIAR_MAX) {
    const oldest = l.familiar.keys().next().value;
    if (oldest !== undefined) l.familiar.delete(oldest);
  }
}

/**
 * Checks a username and password under the login limits and returns the user. Only failures count: each
 * attempt is counted up front (so parallel guesses cannot slip past the limit) and taken back when the
 * password was right. A client address with too many failures gets 429 before its password is checked. So
 * does a username with too many failures, except from an address that logged in as that user before: a
 * guesser cannot lock the real user out of their usual machine. Wrong credentials, unknown and disabled
 * users all get the same 401.
 */
export async function checkLogin(
  hub: HubContext,
  c: Context<HubEnv>,
  username: string,
  password: string,
): Promise<UserRow> {
  const l = limitersOf(hub);
  c.set('auditActor', { username });
  c.set('auditTarget', { type: 'session' });
  const ip = clientIp(c);
  const clientKey = `ip:${ip}`;
  const userKey = `user:${username.toLowerCase()}`;
  const familiarKey = `${username.toLowerCase()}|${ip}`;
  const seen = l.familiar.get(familiarKey);
  const familiar = seen !== undefined && seen > hub.clock() - FAMILIAR_MS;
  const byClient = l.byClient.check(clientKey);
  if (!byClient.allowed) throw tooMany(byClient.retryAfterS, 'failed logins from this address');
  if (!familiar) {
    const byUser = l.byUser.check(userKey);
    if (!byUser.allowed) throw tooMany(byUser.retryAfterS, 'failed logins for this user');
  }
  l.byClient.hit(clientKey);
  if (!familiar) l.byUser.hit(userKey);
  const forgive = () => {
    l.byClient.forgive(clientKey);
    if (!familiar) l.byUser.forgive(userKey);
  };
  let row: UserRow | undefined;
  let ok: boolean;
  try {
    row = await hub.store.users.byName(username);
    ok = await verifyPassword(password, row?.password_hash, hashCost(hub));
  } catch (err) {
    forgive(); // the hub was too busy (or its store failed) to check: not a failed attempt
    throw err;
  }
  if (!row || !ok || row.disabled) {
    hub.logger.warn({ username, ip }, 'login failed');
    throw unauthorized('wrong username or password');
  }
  forgive();
  rememberFamiliar(l, familiarKey, hub.clock());
  c.set('auditActor', { id: row.id, username: row.username });
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
  const userId = c.var.user!.id;
  const row = await hub.store.users.get(userId);
  // The policy is checked first: a refused new password costs no hash and no attempt.
  const problem = row
    ? checkPassword(newPassword, row.username, { minLength: hub.config.passwordMinLength })
    : undefined;
  if (problem) {
    throw new ApiError(422, 'weak_password', `new_password ${problem}`, [
      { path: 'body.new_password', message: problem },
    ]);
  }
  // A stolen access token must not become an unlimited password oracle: wrong current passwords are limited.
  const l = limitersOf(hub);
  const key = `user:${userId}`;
  const gate = l.byPasswordChange.check(key);
  if (!gate.allowed) throw tooMany(gate.retryAfterS, 'wrong current passwords');
  l.byPasswordChange.hit(key);
  let ok: boolean;
  try {
    ok = row !== undefined && (await verifyPassword(currentPassword, row.password_hash, hashCost(hub)));
  } catch (err) {
    l.byPasswordChange.forgive(key);
    throw err;
  }
  if (!row || !ok) {
    throw new ApiError(422, 'wrong_password', 'current_password is wrong', [
      { path: 'body.current_password', message: 'wrong password' },
    ]);
  }
  l.byPasswordChange.forgive(key);
  // current_password was verified, so comparing it is the same as hashing the new one against the stored hash.
  if (newPassword.normalize('NFC') === currentPassword.normalize('NFC')) {
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
  hub.events.emit('user.changed', { user_id: row.id, change: 'password' });
  c.set('auditTarget', { type: 'user', id: row.id });
}
