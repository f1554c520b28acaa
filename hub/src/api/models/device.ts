import { z } from '@hono/zod-openapi';
import { SNMP_AUTH_PROTOCOLS, SNMP_PRIV_PROTOCOLS, SnmpCredentialsSchema } from '@outpost/protocol';
import type { SecretBox } from '../../crypto/secrets.js';
import { normalizeMac } from '../../fleet/mac.js';
import {
  decryptSnmpSecrets,
  NO_SNMP,
  parseSnmp,
  type SnmpSecrets,
  type SnmpSettings,
} from '../../inventory/credentials.js';
import type { DeviceRow } from '../../store/devices.js';
import { ApiError, type ErrorDetail } from '../errors.js';
import { iso, name, text } from '../schemas.js';

export const DEVICE_TYPES = [
  'switch',
  'router',
  'access_point',
  'firewall',
  'server',
  'ups',
  'printer',
  'other',
] as const;
/** What agents report (`unknown` until the first poll); `offline` filters unreachable and auth_failed together. */
export const DEVICE_STATUSES = ['online', 'unreachable', 'auth_failed', 'unknown'] as const;
export const DEVICE_STATUS_FILTERS = [...DEVICE_STATUSES, 'offline'] as const;

export const IpAddress = z
  .union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' })
  .openapi({ type: 'string', example: '192.0.2.10' });

/** A MAC address in any common notation, stored as `aa:bb:cc:dd:ee:ff`. */
export const MacAddress = z
  .string()
  .max(32)
  .transform((v, ctx) => {
    const mac = normalizeMac(v);
    if (mac === null) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a MAC address (aa:bb:cc:dd:ee:ff, aabb.ccdd.eeff, ...)',
      });
      return z.NEVER;
    }
    return mac;
  })
  .openapi({ type: 'string', example: '00:1a:2b:3c:4d:5e' });

const secret = (min: number) => z.string().min(min).max(255).openapi({ writeOnly: true });

/** SNMP settings as written. Secrets (community, auth_key, priv_key) are write-only. */
export const SnmpInput = z
  .object({
    version: z.enum(['1', '2c', '3']),
    port: z.number().int().min(1).max(65535),
    community: secret(1),
    username: z.string().min(1).max(255),
    security_level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']),
    auth_protocol: z.enum(SNMP_AUTH_PROTOCOLS),
    auth_key: secret(8),
    priv_protocol: z.enum(SNMP_PRIV_PROTOCOLS),
    priv_key: secret(8),
    context: z.string().max(255),
    timeout_ms: z.number().int().min(100).max(60_000),
    retries: z.number().int().min(0).max(10),
  })
  .partial()
  .strict()
  .openapi('SnmpInput', {
    description:
      'version "1" or "2c" needs community; "3" needs username and, for authNoPriv/authPriv, auth_protocol + auth_key ' +
      '(and priv_protocol + priv_key). On update, omitted secrets are kept while the version family stays the same.',
  });
export type SnmpInputT = z.infer<typeof SnmpInput>;

export const SnmpView = z
  .object({
    version: z.enum(['1', '2c', '3']),
    port: z.number().int(),
    username: z.string().optional(),
    security_level: z.string().optional(),
    auth_protocol: z.string().optional(),
    priv_protocol: z.string().optional(),
    context: z.string().optional(),
    timeout_ms: z.number().int().optional(),
    retries: z.number().int().optional(),
    has_community: z.boolean(),
    has_auth_key: z.boolean(),
    has_priv_key: z.boolean(),
  })
  .openapi('Snmp');

export const Meta = z
  .record(z.string().max(100), z.unknown())
  .refine((m) => JSON.stringify(m).length <= 16_384, 'must be at most 16 KiB as JSON');

const DeviceFields = {
  name: name(),
  ip_address: IpAddress,
  site_id: z.number().int().positive(),
  parent_id: z.number().int().positive().nullable(),
  vendor: text(100).nullable(),
  mac_address: MacAddress.nullable(),
  device_type: z.enum(DEVICE_TYPES),
  snmp: SnmpInput.nullable().openapi({
    description:
      'null: the device is not polled by SNMP (an ISP router, an NVR web page, a website); it has checks only ' +
      '(POST /checks) and its status follows them',
  }),
  poll_interval_s: z.number().int().min(5).max(86_400),
  profile: text(64).nullable(),
  meta: Meta,
  /** An SNMP credential of a credential set (the site's or a global one) instead of the device's own secrets. */
  credential_id: z
    .number()
    .int()
    .positive()
    .nullable()
    .openapi({
      description:
        "An SNMP credential of the device's site's set or a global one (global: admins only). Unless the caller is " +
        'an admin, ip_address must be inside the hub setting discoveryAllowedNetworks (400 network_not_allowed)',
    }),
};

export const CreateDevice = z
  .object({
    ...DeviceFields,
    parent_id: DeviceFields.parent_id.optional(),
    vendor: DeviceFields.vendor.optional(),
    mac_address: DeviceFields.mac_address.optional(),
    device_type: DeviceFields.device_type.default('other'),
    poll_interval_s: DeviceFields.poll_interval_s.default(60),
    profile: DeviceFields.profile.optional(),
    meta: DeviceFields.meta.default({}),
    snmp: DeviceFields.snmp.optional().openapi({
      description:
        'Required unless credential_id is given; null: the device is not polled by SNMP (an ISP router, an NVR ' +
        'web page, a website), it has checks only (POST /checks) and its status follows them',
    }),
    credential_id: DeviceFields.credential_id.optional(),
  })
  .strict()
  .openapi('CreateDevice');

export const UpdateDevice = z.object(DeviceFields).partial().strict().openapi('UpdateDevice');

export const DeviceSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    ip_address: z.string(),
    site_id: z.number().int(),
    parent_id: z.number().int().nullable(),
    vendor: z.string().nullable(),
    mac_address: z.string().nullable(),
    device_type: z.string(),
    snmp: SnmpView.nullable().openapi({ description: 'null: not polled by SNMP (checks only)' }),
    poll_interval_s: z.number().int(),
    profile: z.string().nullable(),
    meta: z.record(z.string(), z.unknown()),
    credential_id: z.number().int().nullable(),
    status: z.string(),
    status_error: z.string().nullable(),
    last_seen: z.string().nullable(),
    sys_name: z.string().nullable(),
    sys_descr: z.string().nullable(),
    sys_object_id: z.string().nullable(),
    uptime_s: z.number().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Device');

export function snmpView(s: SnmpSettings | null): z.infer<typeof SnmpView> | null {
  if (!s) return null;
  const { has_community, has_auth_key, has_priv_key, ...rest } = s;
  return { ...rest, has_community, has_auth_key, has_priv_key };
}

export function deviceToApi(d: DeviceRow): z.infer<typeof DeviceSchema> {
  return {
    id: d.id,
    name: d.name,
    ip_address: d.ip_address,
    site_id: d.site_id,
    parent_id: d.parent_id,
    vendor: d.vendor,
    mac_address: d.mac_address,
    device_type: d.device_type,
    snmp: snmpView(parseSnmp(d)),
    poll_interval_s: d.poll_interval_s,
    profile: d.profile,
    meta: JSON.parse(d.meta) as Record<string, unknown>,
    credential_id: d.credential_id ?? null,
    status: d.status,
    status_error: d.status_error,
    last_seen: iso(d.last_seen),
    sys_name: d.sys_name,
    sys_descr: d.sys_descr,
    sys_object_id: d.sys_object_id,
    uptime_s: d.uptime_s,
    created_at: iso(d.created_at) as string,
    updated_at: iso(d.updated_at) as string,
  };
}

const isV3 = (v: string | undefined) => v === '3';

const SECRET_FIELDS: ReadonlySet<string> = new Set(['community', 'auth_key', 'priv_key']);

/**
 * Whether an update points the device at another target: a new IP address, or another site (the same
 * private address at another site is another machine). The stored secrets must then not follow unless the
 * request gives them again, or an operator could send the community or v3 keys to a host of their choosing.
 */
export function deviceTargetMoved(
  before: { ip_address: string; site_id: number },
  input: { ip_address?: string; site_id?: number },
): boolean {
  return (
    (input.ip_address !== undefined && input.ip_address !== before.ip_address) ||
    (input.site_id !== undefined && input.site_id !== before.site_id)
  );
}

/**
 * Merges SNMP input with what is stored (update) and validates the result with the protocol's schema, so
 * the hub never stores settings the agent would refuse. Returns the non-secret settings and the secrets.
 * With `secretsDropped` (the target moved, see deviceTargetMoved) the stored secrets are not used and
 * missing ones are allowed: the device is stored without them (`has_community: false`) until given again.
 */
export function resolveSnmp(
  input: SnmpInputT,
  existing?: { settings: SnmpSettings; secrets: SnmpSecrets },
  opts: { secretsDropped?: boolean } = {},
): { settings: SnmpSettings; secrets: SnmpSecrets } {
  if (existing && opts.secretsDropped) existing = { settings: existing.settings, secrets: {} };
  const version = input.version ?? existing?.settings.version;
  if (!version) throw invalid([{ path: 'body.snmp.version', message: 'required' }]);
  // Secrets carry over only within the same family (v1/v2c community, v3 keys).
  const keep = existing && isV3(existing.settings.version) === isV3(version) ? existing : undefined;
  const prev: Partial<SnmpSettings> = keep?.settings ?? { port: existing?.settings.port };
  const secrets: SnmpSecrets = isV3(version)
    ? {
        auth_key: input.auth_key ?? keep?.secrets.auth_key,
        priv_key: input.priv_key ?? keep?.secrets.priv_key,
      }
    : { community: input.community ?? keep?.secrets.community };
  const details: ErrorDetail[] = [];
  if (!isV3(version)) {
    for (const k of [
      'username',
      'security_level',
      'auth_protocol',
      'auth_key',
      'priv_protocol',
      'priv_key',
      'context',
    ] as const) {
      if (input[k] !== undefined)
        details.push({ path: `body.snmp.${k}`, message: `only for SNMP version 3` });
    }
  } else if (input.community !== undefined) {
    details.push({ path: 'body.snmp.community', message: 'only for SNMP versions 1 and 2c' });
  }
  const pick = <K extends keyof SnmpSettings>(k: K) =>
    (input[k as keyof SnmpInputT] ?? prev[k]) as SnmpSettings[K];
  const settings: SnmpSettings = {
    version,
    port: input.port ?? prev.port ?? 161,
    timeout_ms: pick('timeout_ms'),
    retries: pick('retries'),
    has_community: false,
    has_auth_key: false,
    has_priv_key: false,
  };
  if (isV3(version)) {
    settings.username = pick('username');
    settings.auth_protocol = pick('auth_protocol');
    settings.priv_protocol = pick('priv_protocol');
    settings.context = pick('context');
    settings.security_level =
      input.security_level ??
      (input.priv_key || input.priv_protocol || input.auth_key || input.auth_protocol
        ? undefined
        : prev.security_level) ??
      (settings.priv_protocol && secrets.priv_key
        ? 'authPriv'
        : settings.auth_protocol && secrets.auth_key
          ? 'authNoPriv'
          : 'noAuthNoPriv');
    // Keys that the security level does not use are not kept.
    if (settings.security_level === 'noAuthNoPriv') {
      secrets.auth_key = undefined;
      settings.auth_protocol = undefined;
    }
    if (settings.security_level !== 'authPriv') {
      secrets.priv_key = undefined;
      settings.priv_protocol = undefined;
    }
  }
  const check = SnmpCredentialsSchema.safeParse({ ...settings, ...secrets });
  if (!check.success) {
    for (const i of check.error.issues) {
      const field = String(i.path[0] ?? '');
      // A secret dropped with the old target is missing on purpose, not an error of this request.
      if (
        opts.secretsDropped &&
        SECRET_FIELDS.has(field) &&
        secrets[field as keyof SnmpSecrets] === undefined
      )
        continue;
      details.push({ path: ['body', 'snmp', ...i.path.map(String)].join('.'), message: i.message });
    }
  }
  if (details.length) throw invalid(details);
  settings.has_community = Boolean(secrets.community);
  settings.has_auth_key = Boolean(secrets.auth_key);
  settings.has_priv_key = Boolean(secrets.priv_key);
  for (const k of Object.keys(settings) as (keyof SnmpSettings)[])
    if (settings[k] === undefined) delete settings[k];
  for (const k of Object.keys(secrets) as (keyof SnmpSecrets)[])
    if (secrets[k] === undefined) delete secrets[k];
  return { settings, secrets };
}

function invalid(details: ErrorDetail[]): ApiError {
  return new ApiError(
    400,
    'validation_failed',
    `invalid request: ${details.map((d) => d.path).join(', ')}`,
    details,
  );
}

/** The stored form: settings as JSON, secrets encrypted (null when there are none); null: no SNMP. */
export function encodeSnmp(box: SecretBox, r: { settings: SnmpSettings; secrets: SnmpSecrets } | null) {
  if (!r) return { snmp_json: NO_SNMP, snmp_secret: null };
  return {
    snmp_json: JSON.stringify(r.settings),
    snmp_secret: Object.keys(r.secrets).length ? box.encrypt(JSON.stringify(r.secrets)) : null,
  };
}

/** The stored settings and secrets, or undefined for a device without SNMP. */
export function storedSnmp(box: SecretBox, row: DeviceRow) {
  const settings = parseSnmp(row);
  return settings ? { settings, secrets: decryptSnmpSecrets(box, row) } : undefined;
}
