import { randomBytes } from 'node:crypto';
import type { ApiKeyRow } from '../store/api-keys.js';
import type { UserRow } from '../store/users.js';
import { ROLES, type Role } from './roles.js';
import { hashToken } from './tokens.js';

/** Every API key starts with this, so that it is told from a JWT at a glance (and by secret scanners). */
export const API_KEY_PREFIX = 'opk_';
/** How many characters of a key are kept in clear to recognise it in lists (prefix + 8 of 43 random ones). */
export const API_KEY_SHOWN = API_KEY_PREFIX.length + 8;
/** A key's last use is written at most this often (a script calling every second does not write every second). */
export const LAST_USED_GRANULARITY_MS = 60_000;

export interface NewKeyMaterial {
  /** The key itself: shown once, to its creator, never stored. */
  key: string;
  prefix: string;
  /** SHA-256 of the key (256 random bits: no salt or slow hash needed), what the database keeps. */
  hash: string;
}

export function newApiKey(): NewKeyMaterial {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, API_KEY_SHOWN), hash: hashToken(key) };
}

export function isApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

/** The lower of two roles: a key acts with its own role, never more than its user has now. */
export function lowerRole(a: Role, b: Role): Role {
  return roleRank(a) <= roleRank(b) ? a : b;
}

/** Why a stored key cannot be used at `now`, or undefined when it can. */
export function keyRefusal(
  key: Pick<ApiKeyRow, 'revoked_at' | 'expires_at'> | undefined,
  user: Pick<UserRow, 'disabled'> | undefined,
  now: number,
): string | undefined {
  if (!key) return 'unknown API key';
  if (key.revoked_at !== null) return 'API key revoked';
  if (key.expires_at !== null && key.expires_at <= now) return 'API key expired';
  if (!user || user.disabled) return "the API key's user is no longer active";
  return undefined;
}
