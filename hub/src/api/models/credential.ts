import { z } from '@hono/zod-openapi';
import {
  SNMP_AUTH_PROTOCOLS,
  SNMP_PRIV_PROTOCOLS,
  type SnmpCredentials,
  SnmpCredentialsSchema,
} from '@outpost/protocol';
import type { SecretBox } from '../../crypto/secrets.js';
import { type CredentialUse, credentialUseRefusal } from '../../inventory/credential-use.js';
import type { SiteNetworks } from '../../net/site-networks.js';
import type { CredentialRow, CredentialSetRow, CredentialWrite } from '../../store/credentials.js';
import { ApiError, type ErrorDetail } from '../errors.js';
import { iso } from '../schemas.js';

const secret = (min: number) => z.string().min(min).max(255).openapi({ writeOnly: true });

/** One SNMP credential as written: `id` keeps an existing entry (and its stored secrets when left out). */
const SnmpEntryInput = z
  .object({
    id: z.number().int().positive().optional(),
    version: z.enum(['1', '2c', '3']),
    community: secret(1).optional(),
    username: z.string().min(1).max(255).optional(),
    security_level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']).optional(),
    auth_protocol: z.enum(SNMP_AUTH_PROTOCOLS).optional(),
    auth_key: secret(8).optional(),
    priv_protocol: z.enum(SNMP_PRIV_PROTOCOLS).optional(),
    priv_key: secret(8).optional(),
    context: z.string().max(255).optional(),
  })
  .strict();

const CameraEntryInput = z
  .object({
    id: z.number().int().positive().optional(),
    username: z.string().min(1).max(255),
    password: secret(1).optional(),
  })
  .strict();

const SetFields = {
  name: z.string().trim().min(1).max(100),
  snmp: z.array(SnmpEntryInput).max(32),
  camera: z.array(CameraEntryInput).max(32),
};

export const CreateCredentialSet = z
  .object({
    ...SetFields,
    /** The site it serves; null or absent: every site (a global default). */
    site_id: z.number().int().positive().nullable().optional(),
    snmp: SetFields.snmp.default([]),
    camera: SetFields.camera.default([]),
  })
  .strict()
  .openapi('CreateCredentialSet', {
    description:
      'SNMP credentials and camera logins tried in order by discovery. Secrets (community, auth_key, priv_key, password) are write-only; on update an entry given with its id keeps the secrets it omits.',
  });
export const UpdateCredentialSet = z.object(SetFields).partial().strict().openapi('UpdateCredentialSet');
export type CreateCredentialSetT = z.infer<typeof CreateCredentialSet>;

const Usage = z.object({ devices: z.number().int(), cameras: z.number().int() });

export const CredentialSetSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    site_id: z.number().int().nullable(),
    snmp: z.array(
      z.object({
        id: z.number().int(),
        version: z.string(),
        username: z.string().optional(),
        security_level: z.string().optional(),
        auth_protocol: z.string().optional(),
        priv_protocol: z.string().optional(),
        context: z.string().optional(),
        has_community: z.boolean(),
        has_auth_key: z.boolean(),
        has_priv_key: z.boolean(),
        used_by: Usage,
      }),
    ),
    camera: z.array(
      z.object({ id: z.number().int(), username: z.string(), has_password: z.boolean(), used_by: Usage }),
    ),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('CredentialSet');

type SnmpPublic = Omit<SnmpCredentials, 'community' | 'auth_key' | 'priv_key'> & Record<string, unknown>;
type SnmpSecret = { community?: string; auth_key?: string; priv_key?: string };

function invalid(details: ErrorDetail[]): ApiError {
  return new ApiError(
    400,
    'validation_failed',
    `invalid request: ${details.map((d) => d.path).join(', ')}`,
    details,
  );
}

/**
 * The entries to store for a set: each SNMP entry merged with the stored secrets of the entry it names (same
 * version family only) and checked with the protocol's schema, so that the agent never gets what it refuses;
 * secrets encrypted. Throws a 400 naming `body.snmp.N.field` or `body.camera.N.field`.
 */
export function credentialWrites(
  box: SecretBox,
  input: { snmp?: z.infer<typeof SnmpEntryInput>[]; camera?: z.infer<typeof CameraEntryInput>[] },
  current: readonly CredentialRow[],
): CredentialWrite[] {
  const byId = new Map(current.map((r) => [r.id, r]));
  const details: ErrorDetail[] = [];
  const out: CredentialWrite[] = [];
  const stored = (id: number | undefined, kind: 'snmp' | 'camera', path: string) => {
    if (id === undefined) return undefined;
    const row = byId.get(id);
    if (!row || row.kind !== kind) details.push({ path, message: `no ${kind} credential ${id} in this set` });
    return row;
  };
  (input.snmp ?? []).forEach((e, i) => {
    const row = stored(e.id, 'snmp', `body.snmp.${i}.id`);
    const before = row ? (JSON.parse(row.settings) as SnmpPublic) : undefined;
    const sameFamily = before && (before.version === '3') === (e.version === '3');
    const old: SnmpSecret =
      sameFamily && row?.secret ? (JSON.parse(box.decrypt(row.secret)) as SnmpSecret) : {};
    const { id, community, auth_key, priv_key, ...pub } = e;
    const level =
      pub.security_level ??
      (e.version === '3'
        ? pub.priv_protocol
          ? 'authPriv'
          : pub.auth_protocol
            ? 'authNoPriv'
            : 'noAuthNoPriv'
        : undefined);
    const full = {
      ...pub,
      ...(level ? { security_level: level } : {}),
      ...(e.version === '3'
        ? { auth_key: auth_key ?? old.auth_key, priv_key: priv_key ?? old.priv_key }
        : { community: community ?? old.community }),
    };
    for (const k of Object.keys(full) as (keyof typeof full)[]) if (full[k] === undefined) delete full[k];
    const check = SnmpCredentialsSchema.safeParse(full);
    if (!check.success) {
      for (const issue of check.error.issues)
        details.push({
          path: ['body', 'snmp', String(i), ...issue.path.map(String)].join('.'),
          message: issue.message,
        });
      return;
    }
    const {
      community: c,
      auth_key: a,
      priv_key: p,
      ...settings
    } = check.data as SnmpCredentials & SnmpSecret;
    const secrets: SnmpSecret = {
      ...(c ? { community: c } : {}),
      ...(a ? { auth_key: a } : {}),
      ...(p ? { priv_key: p } : {}),
    };
    out.push({
      ...(id !== undefined ? { id } : {}),
      kind: 'snmp',
      settings: JSON.stringify(settings),
      secret: Object.keys(secrets).length ? box.encrypt(JSON.stringify(secrets)) : null,
    });
  });
  (input.camera ?? []).forEach((e, i) => {
    const row = stored(e.id, 'camera', `body.camera.${i}.id`);
    const password = e.password ?? (row?.secret ? box.decrypt(row.secret) : undefined);
    out.push({
      ...(e.id !== undefined ? { id: e.id } : {}),
      kind: 'camera',
      settings: JSON.stringify({ username: e.username }),
      secret: password !== undefined ? box.encrypt(password) : null,
    });
  });
  if (details.length) throw invalid(details);
  return out;
}

/** The API view: never a secret, only whether one is stored. */
export function credentialSetToApi(
  set: CredentialSetRow,
  entries: readonly CredentialRow[],
  box: Pick<SecretBox, 'decrypt'>,
  usage: ReadonlyMap<number, { devices: number; cameras: number }>,
): z.infer<typeof CredentialSetSchema> {
  const used = (id: number) => usage.get(id) ?? { devices: 0, cameras: 0 };
  const mine = entries.filter((e) => e.set_id === set.id);
  return {
    id: set.id,
    name: set.name,
    site_id: set.site_id,
    snmp: mine
      .filter((e) => e.kind === 'snmp')
      .map((e) => {
        const s = JSON.parse(e.settings) as SnmpPublic;
        const keys: SnmpSecret = e.secret ? (JSON.parse(box.decrypt(e.secret)) as SnmpSecret) : {};
        return {
          id: e.id,
          version: s.version,
          ...(typeof s.username === 'string' ? { username: s.username } : {}),
          ...(typeof s.security_level === 'string' ? { security_level: s.security_level } : {}),
          ...(typeof s.auth_protocol === 'string' ? { auth_protocol: s.auth_protocol } : {}),
          ...(typeof s.priv_protocol === 'string' ? { priv_protocol: s.priv_protocol } : {}),
          ...(typeof s.context === 'string' ? { context: s.context } : {}),
          has_community: !!keys.community,
          has_auth_key: !!keys.auth_key,
          has_priv_key: !!keys.priv_key,
          used_by: used(e.id),
        };
      }),
    camera: mine
      .filter((e) => e.kind === 'camera')
      .map((e) => ({
        id: e.id,
        username: (JSON.parse(e.settings) as { username: string }).username,
        has_password: e.secret !== null,
        used_by: used(e.id),
      })),
    created_at: iso(set.created_at) as string,
    updated_at: iso(set.updated_at) as string,
  };
}

/**
 * Throws the API error for a credential reference the caller may not make (credentialUseRefusal): 403 for a
 * global set without the admin role, 400 network_not_allowed for a target outside discoveryAllowedNetworks.
 */
export function requireCredentialUse(use: CredentialUse, networks: SiteNetworks): void {
  const r = credentialUseRefusal(use, networks);
  if (!r) return;
  throw new ApiError(r.status, r.status === 403 ? 'forbidden' : 'network_not_allowed', r.message, [
    { path: `body.${r.field}`, message: r.message },
  ]);
}
