import {
  hashAgentSecret,
  hashEnrollmentToken,
  newAgentId,
  newAgentSecret,
  newEnrollmentToken,
} from '../auth/agent-credentials.js';
import { MQTT_WS_PATH } from '../broker/listeners.js';
import type { HubConfig } from '../config.js';
import type { TokenRefusal } from '../store/enrollment-tokens.js';
import type { HubStore, Repositories } from '../store/port.js';

/** Why enrollment was refused: the HTTP status and a message for the operator running the agent. */
export class EnrollmentError extends Error {
  constructor(
    readonly reason: TokenRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'EnrollmentError';
  }
}

/** Parses a duration such as `24h`, `30m`, `7d`, `3600s` or a number of seconds, into milliseconds. */
export function parseTtl(text: string): number {
  const m = /^(\d+)\s*(s|m|h|d)?$/i.exec(text.trim());
  if (!m) throw new Error(`invalid duration "${text}": use a number with s, m, h or d (e.g. 24h)`);
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const ms = n * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit as 's' | 'm' | 'h' | 'd'];
  if (ms < 60_000 || ms > 30 * 86_400_000)
    throw new Error(`duration "${text}" must be between 1 minute and 30 days`);
  return ms;
}

/** Creates a one-time token for a site; the token exists in clear only in the return value. */
export async function createEnrollmentToken(
  store: Pick<Repositories, 'enrollmentTokens'>,
  a: { site_id: number; ttl_ms: number; created_by: number | null; now: number },
): Promise<{ token: string; id: number; site_id: number; expires_at: number }> {
  const token = newEnrollmentToken();
  const row = await store.enrollmentTokens.create({
    token_hash: hashEnrollmentToken(token),
    site_id: a.site_id,
    expires_at: a.now + a.ttl_ms,
    created_by: a.created_by,
    created_at: a.now,
  });
  return { token, id: row.id, site_id: row.site_id, expires_at: row.expires_at };
}

const REFUSALS: Record<TokenRefusal, string> = {
  unknown: 'enrollment token is not valid; create a new one with `outpost-hub token create`',
  expired: 'enrollment token has expired; create a new one with `outpost-hub token create`',
  used: 'enrollment token was already used; each token enrolls one agent',
};

/**
 * Enrolls an agent: spends the token and creates the agent in one unit of work, so an expired or reused
 * token changes nothing (and of two enrollments with one token, one fails with `used`). Returns the agent's
 * id and its secret (which only exists here, in clear).
 */
export function enrollAgent(
  store: HubStore,
  a: { token: string; hostname: string; version: string; now: number },
): Promise<{ agent_id: string; secret: string; site_id: number }> {
  return store.unit(async (tx) => {
    const agentId = newAgentId();
    const used = await tx.enrollmentTokens.consume(hashEnrollmentToken(a.token), agentId, a.now);
    if (!used.ok) throw new EnrollmentError(used.reason, REFUSALS[used.reason]);
    const secret = newAgentSecret();
    await tx.agents.create({
      id: agentId,
      site_id: used.row.site_id,
      hostname: a.hostname,
      version: a.version,
      secret_hash: hashAgentSecret(secret),
      created_at: a.now,
      enrolled_with: used.row.id,
    });
    return { agent_id: agentId, secret, site_id: used.row.site_id };
  });
}

/**
 * Where an agent reaches the hub: the hub URL (config publicUrl, else the URL the request came to) and the
 * broker URLs: plain MQTT, MQTT over TLS when enabled, and MQTT over WebSocket at /mqtt on the HTTP port.
 */
export function agentEndpoints(
  config: Pick<HubConfig, 'publicUrl'>,
  requestUrl: string,
  ports: { mqttPort: number; mqttsPort?: number },
): { hub_url: string; mqtt: { urls: string[] } } {
  const base = new URL(config.publicUrl ?? requestUrl);
  const hubUrl = `${base.protocol}//${base.host}${config.publicUrl ? base.pathname.replace(/\/$/, '') : ''}`;
  const host =
    base.hostname.includes(':') && !base.hostname.startsWith('[') ? `[${base.hostname}]` : base.hostname;
  const urls = [`mqtt://${host}:${ports.mqttPort}`];
  if (ports.mqttsPort) urls.push(`mqtts://${host}:${ports.mqttsPort}`);
  urls.push(`${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}${MQTT_WS_PATH}`);
  return { hub_url: hubUrl, mqtt: { urls } };
}
