import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AgentRepo, AgentRow } from '../store/agents.js';

/** SHA-256 of an agent secret (256 random bits: a fast hash is enough, no salt needed). */
export function hashAgentSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new agent id, valid as an MQTT client id and a topic level (`agent-` + 16 hex). */
export function newAgentId(): string {
  return `agent-${randomBytes(8).toString('hex')}`;
}

/** A new agent secret: 256 random bits, base64url. */
export function newAgentSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 of an enrollment token (what the store keeps). */
export function hashEnrollmentToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new one-time enrollment token: `opt_` + 256 random bits (base64url). */
export function newEnrollmentToken(): string {
  return `opt_${randomBytes(32).toString('base64url')}`;
}

export type CredentialCheck =
  | { ok: true; agent: AgentRow }
  | { ok: false; reason: 'unknown' | 'revoked' | 'wrong_secret' };

/** Checks an agent's credentials in constant time (an unknown id costs the same as a known one). */
export async function checkAgentCredentials(
  agents: Pick<AgentRepo, 'withSecret'>,
  id: string,
  secret: string | Buffer | undefined,
): Promise<CredentialCheck> {
  const row = await agents.withSecret(id);
  // Hash even for an unknown agent so that timing does not tell which ids exist.
  const given = Buffer.from(hashAgentSecret(secret === undefined ? '' : secret.toString()), 'hex');
  const expected = Buffer.from(row?.secret_hash ?? '0'.repeat(64), 'hex');
  const match = given.length === expected.length && timingSafeEqual(given, expected);
  if (!row) return { ok: false, reason: 'unknown' };
  if (!match) return { ok: false, reason: 'wrong_secret' };
  if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
  const { secret_hash: _hash, ...agent } = row;
  return { ok: true, agent };
}
