import { type TrapConfigInput, TrapConfigSchema } from '@outpost/protocol';
import type { SiteTrapsRecord } from '../store/site-traps.js';

// How a site's trap receiver settings are kept: the plain fields as columns, the v3 inform users without
// their keys as JSON, and the communities and keys encrypted together. Decrypted values are for the agent
// config only, never for an API response or a log line.

type Level = 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';

/** A v3 inform user without keys (stored in clear). */
export interface TrapUserSettings {
  username: string;
  security_level: Level;
  auth_protocol?: string;
  priv_protocol?: string;
}

/** The secret part: communities, and each user's keys by user name. */
export interface TrapSecrets {
  communities: string[];
  keys: Record<string, { auth_key?: string; priv_key?: string }>;
}

/** A site's settings in clear, as the API merges and the agent config needs them. */
export interface SiteTraps {
  enabled: boolean;
  port: number;
  address: string;
  rate_per_s: number;
  burst: number;
  max_per_s: number;
  users: TrapUserSettings[];
  secrets: TrapSecrets;
}

/** The protocol's defaults for the plain fields (what a site gets for fields it does not set). */
export function trapDefaults(): Omit<SiteTraps, 'users' | 'secrets'> {
  const d = TrapConfigSchema.parse({});
  return {
    enabled: d.enabled,
    port: d.port,
    address: d.address,
    rate_per_s: d.rate_per_s,
    burst: d.burst,
    max_per_s: d.max_per_s,
  };
}

export function encodeSiteTraps(t: SiteTraps, encrypt: (plain: string) => string): SiteTrapsRecord {
  const hasSecrets = t.secrets.communities.length > 0 || Object.keys(t.secrets.keys).length > 0;
  return {
    enabled: t.enabled,
    port: t.port,
    address: t.address,
    rate_per_s: t.rate_per_s,
    burst: t.burst,
    max_per_s: t.max_per_s,
    users_json: JSON.stringify(t.users),
    secret: hasSecrets ? encrypt(JSON.stringify(t.secrets)) : null,
  };
}

export function decodeSiteTraps(r: SiteTrapsRecord, decrypt: (blob: string) => string): SiteTraps {
  const secrets = r.secret ? (JSON.parse(decrypt(r.secret)) as TrapSecrets) : { communities: [], keys: {} };
  return {
    enabled: r.enabled,
    port: r.port,
    address: r.address,
    rate_per_s: r.rate_per_s,
    burst: r.burst,
    max_per_s: r.max_per_s,
    users: JSON.parse(r.users_json) as TrapUserSettings[],
    secrets,
  };
}

/** The users without their keys, from the stored record alone (no decryption): for API views. */
export function storedTrapUsers(r: SiteTrapsRecord): TrapUserSettings[] {
  return JSON.parse(r.users_json) as TrapUserSettings[];
}

/** The `traps` part of the agent config: every user with the keys its level needs. */
export function trapConfig(t: SiteTraps): TrapConfigInput {
  return {
    enabled: t.enabled,
    port: t.port,
    address: t.address,
    communities: t.secrets.communities,
    users: t.users.map((u) => {
      const k = t.secrets.keys[u.username] ?? {};
      return {
        username: u.username,
        security_level: u.security_level,
        ...(u.auth_protocol ? { auth_protocol: u.auth_protocol as never } : {}),
        ...(k.auth_key ? { auth_key: k.auth_key } : {}),
        ...(u.priv_protocol ? { priv_protocol: u.priv_protocol as never } : {}),
        ...(k.priv_key ? { priv_key: k.priv_key } : {}),
      };
    }),
    rate_per_s: t.rate_per_s,
    burst: t.burst,
    max_per_s: t.max_per_s,
  };
}
