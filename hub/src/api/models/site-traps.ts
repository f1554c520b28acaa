import { z } from '@hono/zod-openapi';
import { SNMP_AUTH_PROTOCOLS, SNMP_PRIV_PROTOCOLS, TrapConfigSchema } from '@outpost/protocol';
import { type SiteTraps, type TrapUserSettings, trapConfig } from '../../inventory/site-traps.js';
import { ApiError, type ErrorDetail } from '../errors.js';

const LEVELS = ['noAuthNoPriv', 'authNoPriv', 'authPriv'] as const;
const secret = (min: number) => z.string().min(min).max(255).openapi({ writeOnly: true });

const TrapUserInput = z
  .object({
    username: z.string().min(1).max(255),
    security_level: z.enum(LEVELS).optional(),
    auth_protocol: z.enum(SNMP_AUTH_PROTOCOLS).optional(),
    auth_key: secret(8).optional(),
    priv_protocol: z.enum(SNMP_PRIV_PROTOCOLS).optional(),
    priv_key: secret(8).optional(),
  })
  .strict();

export const UpdateSiteTraps = z
  .object({
    enabled: z.boolean(),
    port: z.number().int().min(1).max(65535).openapi({
      description: '1162 by default; 162 needs the agent drop-in that grants CAP_NET_BIND_SERVICE',
    }),
    address: z
      .union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' })
      .openapi({ type: 'string' }),
    rate_per_s: z.number().positive().max(10_000),
    burst: z.number().int().min(1).max(100_000),
    max_per_s: z.number().positive().max(100_000),
    communities: z.array(secret(1)).max(32).openapi({
      description:
        'Communities traps may carry besides those of the site devices (write-only; replaces the stored ones)',
    }),
    users: z
      .array(TrapUserInput)
      .max(32)
      .openapi({
        description:
          'SNMPv3 users whose informs are accepted (the whole list). Keys are write-only: a key left out is kept ' +
          'for the same user while its protocol stays the same',
      }),
  })
  .partial()
  .strict()
  .openapi('UpdateSiteTraps');
export type UpdateSiteTrapsInput = z.infer<typeof UpdateSiteTraps>;

export const SiteTrapsSchema = z
  .object({
    site_id: z.number().int(),
    own: z.boolean().openapi({ description: 'false: the site uses the hub-wide settings (agentTraps*)' }),
    enabled: z.boolean(),
    port: z.number().int(),
    address: z.string(),
    rate_per_s: z.number(),
    burst: z.number().int(),
    max_per_s: z.number(),
    communities_set: z
      .number()
      .int()
      .openapi({ description: 'How many communities are stored (never shown)' }),
    users: z.array(
      z.object({
        username: z.string(),
        security_level: z.enum(LEVELS),
        auth_protocol: z.string().optional(),
        priv_protocol: z.string().optional(),
        has_auth_key: z.boolean(),
        has_priv_key: z.boolean(),
      }),
    ),
    updated_at: z.string().nullable(),
  })
  .openapi('SiteTraps');

/** The API view: no secret, only whether each is set. */
export function siteTrapsView(siteId: number, t: SiteTraps, own: boolean, updatedAt: string | null) {
  return {
    site_id: siteId,
    own,
    enabled: t.enabled,
    port: t.port,
    address: t.address,
    rate_per_s: t.rate_per_s,
    burst: t.burst,
    max_per_s: t.max_per_s,
    communities_set: t.secrets.communities.length,
    users: t.users.map((u) => ({
      ...u,
      has_auth_key: Boolean(t.secrets.keys[u.username]?.auth_key),
      has_priv_key: Boolean(t.secrets.keys[u.username]?.priv_key),
    })),
    updated_at: updatedAt,
  };
}

const invalid = (details: ErrorDetail[]) =>
  new ApiError(
    400,
    'validation_failed',
    `invalid request: ${details.map((d) => d.path).join(', ')}`,
    details,
  );

/**
 * Merges an update with the current settings: plain fields given replace, `communities` given replace the
 * stored ones, `users` given replace the list while each user's keys are kept when not given again (same
 * user, same protocol). The result is checked with the protocol's schema: the agent takes what is stored.
 */
export function mergeSiteTraps(base: SiteTraps, input: UpdateSiteTrapsInput): SiteTraps {
  const details: ErrorDetail[] = [];
  const users: TrapUserSettings[] = [];
  const keys: SiteTraps['secrets']['keys'] = {};
  const seen = new Set<string>();
  (input.users ?? base.users).forEach((u, i) => {
    if (seen.has(u.username)) details.push({ path: `body.users.${i}.username`, message: 'listed twice' });
    seen.add(u.username);
    const given = u as z.infer<typeof TrapUserInput>;
    const old = base.users.find((b) => b.username === u.username);
    const oldKeys = base.secrets.keys[u.username] ?? {};
    const auth_protocol = given.auth_protocol ?? old?.auth_protocol;
    const priv_protocol = given.priv_protocol ?? old?.priv_protocol;
    const security_level =
      given.security_level ??
      (given.priv_protocol || given.priv_key
        ? 'authPriv'
        : given.auth_protocol || given.auth_key
          ? undefined
          : old?.security_level) ??
      (priv_protocol ? 'authPriv' : auth_protocol ? 'authNoPriv' : 'noAuthNoPriv');
    const auth_key = given.auth_key ?? (auth_protocol === old?.auth_protocol ? oldKeys.auth_key : undefined);
    const priv_key = given.priv_key ?? (priv_protocol === old?.priv_protocol ? oldKeys.priv_key : undefined);
    // Keys and protocols the level does not use are not kept.
    const user: TrapUserSettings = { username: u.username, security_level };
    const k: { auth_key?: string; priv_key?: string } = {};
    if (security_level !== 'noAuthNoPriv') {
      if (auth_protocol) user.auth_protocol = auth_protocol;
      if (auth_key) k.auth_key = auth_key;
    }
    if (security_level === 'authPriv') {
      if (priv_protocol) user.priv_protocol = priv_protocol;
      if (priv_key) k.priv_key = priv_key;
    }
    users.push(user);
    if (k.auth_key || k.priv_key) keys[u.username] = k;
  });
  const merged: SiteTraps = {
    enabled: input.enabled ?? base.enabled,
    port: input.port ?? base.port,
    address: input.address ?? base.address,
    rate_per_s: input.rate_per_s ?? base.rate_per_s,
    burst: input.burst ?? base.burst,
    max_per_s: input.max_per_s ?? base.max_per_s,
    users,
    secrets: { communities: input.communities ?? base.secrets.communities, keys },
  };
  const check = TrapConfigSchema.safeParse(trapConfig(merged));
  if (!check.success)
    for (const i of check.error.issues)
      details.push({ path: ['body', ...i.path.map(String)].join('.'), message: i.message });
  if (details.length) throw invalid(details);
  return merged;
}
