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
  /** Gives the agent its broker account (an external broker); a failure undoes the enrollment. */
  admit?: (agentId: string, secret: string) => Promise<void>,
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
    await admit?.(agentId, secret);
    return { agent_id: agentId, secret, site_id: used.row.site_id };
  });
}

/** The broker listeners that are open (a port is absent when its listener is off). */
export interface BrokerPorts {
  mqttPort?: number;
  mqttsPort?: number;
}

/** Whether a URL or host name is this machine only (loopback): nothing on the network can read it. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Where an agent reaches the hub: the hub URL (config publicUrl, else the URL the agent itself called) and the
 * broker URLs (with an external broker: brokerAgentUrls, else brokerUrl). When the hub offers TLS (MQTT over TLS, or WebSocket behind an https publicUrl) only TLS URLs
 * are given: a plain URL beside them would let anyone on the path read the agent's secret in CONNECT and the
 * decrypted device credentials in its config. Without TLS: plain MQTT (when its listener is on) and ws.
 */
export function agentEndpoints(
  config: Pick<HubConfig, 'publicUrl'> & Partial<Pick<HubConfig, 'brokerUrl' | 'brokerAgentUrls'>>,
  requestUrl: string,
  ports: BrokerPorts,
): { hub_url: string; mqtt: { urls: string[] } } {
  const base = new URL(config.publicUrl ?? requestUrl);
  const hubUrl = `${base.protocol}//${base.host}${config.publicUrl ? base.pathname.replace(/\/$/, '') : ''}`;
  // An external broker: the operator says where agents reach it (its TLS is the broker's business).
  if (config.brokerUrl) {
    const urls = config.brokerAgentUrls?.length ? config.brokerAgentUrls : [config.brokerUrl];
    return { hub_url: hubUrl, mqtt: { urls: [...urls] } };
  }
  const host =
    base.hostname.includes(':') && !base.hostname.startsWith('[') ? `[${base.hostname}]` : base.hostname;
  const secure: string[] = [];
  if (ports.mqttsPort) secure.push(`mqtts://${host}:${ports.mqttsPort}`);
  if (base.protocol === 'https:') secure.push(`wss://${base.host}${MQTT_WS_PATH}`);
  if (secure.length > 0) return { hub_url: hubUrl, mqtt: { urls: secure } };
  const urls: string[] = [];
  if (ports.mqttPort !== undefined) urls.push(`mqtt://${host}:${ports.mqttPort}`);
  urls.push(`ws://${base.host}${MQTT_WS_PATH}`);
  return { hub_url: hubUrl, mqtt: { urls } };
}

/** The host of a URL, or undefined when it is not one. */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Pure: what the hub says at start when its configuration exposes agents or users on the network without TLS.
 * Nothing when it is reached on loopback only: its listeners are, and so is publicUrl when set (a hub on
 * loopback behind a plain-HTTP proxy is still reached from the network).
 */
export function transportWarnings(
  config: Pick<HubConfig, 'publicUrl' | 'host'>,
  ports: BrokerPorts & { mqttHost?: string },
): string[] {
  const out: string[] = [];
  const publicHost = config.publicUrl === undefined ? undefined : hostOf(config.publicUrl);
  const httpLocal = isLoopback(config.host) && (publicHost === undefined || isLoopback(publicHost));
  const publicHttps = config.publicUrl?.startsWith('https:') === true;
  if (!ports.mqttsPort && !publicHttps && !(httpLocal && isLoopback(ports.mqttHost ?? config.host))) {
    out.push(
      'agents are offered plain MQTT: anyone on the path can read their secrets and the device and camera ' +
        'credentials sent to them; set mqttsPort, mqttsCert and mqttsKey, or an https:// publicUrl behind a TLS proxy',
    );
  } else if (ports.mqttPort !== undefined && !isLoopback(ports.mqttHost ?? config.host)) {
    out.push(
      `the plain MQTT listener is open on ${ports.mqttHost ?? config.host}:${ports.mqttPort} although agents ` +
        'are offered TLS: set mqttPlain=false, or mqttPlainHost=127.0.0.1 for a local agent only',
    );
  }
  if (!publicHttps && !httpLocal) {
    out.push(
      'logins, tokens and agent enrollment go over plain HTTP: put the hub behind a TLS reverse proxy and set ' +
        'publicUrl to its https:// address (and trustProxy)',
    );
  }
  return out;
}

/**
 * Pure: with an external broker, what the hub says at start when agents are handed plain MQTT (their secret in
 * CONNECT and the credentials in their config readable on the path) to a broker that is not on this machine.
 */
export function externalTransportWarnings(
  config: Pick<HubConfig, 'brokerUrl' | 'brokerAgentUrls'>,
): string[] {
  const urls =
    config.brokerAgentUrls.length > 0 ? config.brokerAgentUrls : config.brokerUrl ? [config.brokerUrl] : [];
  const plain = urls.filter((u) => /^(mqtt|ws):/i.test(u) && !isLoopback(new URL(u).hostname));
  if (plain.length === 0) return [];
  return [
    `agents are handed plain MQTT (${plain.join(', ')}): anyone on the path can read their secrets and the ` +
      'device and camera credentials sent to them; give them mqtts:// or wss:// URLs in brokerAgentUrls',
  ];
}
