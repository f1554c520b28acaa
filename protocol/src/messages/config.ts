import * as z from 'zod';
import { CheckConfigSchema } from '../checks/index.js';
import { EntityId, MetricName, Text, Timestamp, Version } from './common.js';

const IpAddress = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });

export const SNMP_AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export const SNMP_PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;

/** SNMP v1 / v2c credentials. */
const SnmpCommunity = z.object({
  version: z.enum(['1', '2c']),
  community: Text(255).min(1),
});

/** SNMPv3 USM credentials; keys are present when the security level needs them. */
const SnmpV3Fields = z.object({
  version: z.literal('3'),
  username: Text(255).min(1),
  security_level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']),
  auth_protocol: z.enum(SNMP_AUTH_PROTOCOLS).optional(),
  auth_key: Text(255).min(8).optional(),
  priv_protocol: z.enum(SNMP_PRIV_PROTOCOLS).optional(),
  priv_key: Text(255).min(8).optional(),
  context: Text(255).optional(),
});
const SnmpV3 = SnmpV3Fields.superRefine((s, ctx) => {
  if (s.security_level !== 'noAuthNoPriv') {
    if (!s.auth_protocol) ctx.addIssue({ code: 'custom', path: ['auth_protocol'], message: 'required' });
    if (!s.auth_key) ctx.addIssue({ code: 'custom', path: ['auth_key'], message: 'required' });
  }
  if (s.security_level === 'authPriv') {
    if (!s.priv_protocol) ctx.addIssue({ code: 'custom', path: ['priv_protocol'], message: 'required' });
    if (!s.priv_key) ctx.addIssue({ code: 'custom', path: ['priv_key'], message: 'required' });
  }
});

export const SnmpCredentialsSchema = z.discriminatedUnion('version', [SnmpCommunity, SnmpV3]);
export type SnmpCredentials = z.infer<typeof SnmpCredentialsSchema>;

/** A numeric OID such as `1.3.6.1.4.1.318.1.1.1.2.2.1.0`. */
export const NumericOid = z
  .string()
  .max(255)
  .regex(/^\.?\d+(\.\d+){1,127}$/, 'must be a numeric OID such as 1.3.6.1.4.1.9.9.13.1.3.1.3');

export const CUSTOM_OID_TYPES = ['gauge', 'counter', 'string'] as const;

/**
 * A value the operator wants polled that no profile reads: fetched (`walk: false`, the OID of one instance,
 * usually ending in `.0`) or walked (`walk: true`, a table column: one sample per row, labelled `index`).
 * gauge: the value x scale; counter: its per-second rate x scale (wrap aware); string: an info sample of 1
 * labelled `value`. A numeric text (`"23.5"`) counts as a number.
 */
export const CustomOidSchema = z
  .object({
    oid: NumericOid.transform((o) => o.replace(/^\./, '')),
    /** The metric name the samples get. */
    name: MetricName,
    type: z.enum(CUSTOM_OID_TYPES).default('gauge'),
    unit: Text(32).optional(),
    scale: z
      .number()
      .finite()
      .refine((n) => n !== 0, 'must not be 0')
      .default(1),
    walk: z.boolean().default(false),
    /** Site-wide entries only: poll it on devices whose sysObjectID lies under this OID. */
    sys_object_id: NumericOid.optional(),
  })
  .strict();
export type CustomOid = z.infer<typeof CustomOidSchema>;
export type CustomOidInput = z.input<typeof CustomOidSchema>;

/** An SNMPv3 user whose informs the agent accepts (the agent is the authoritative engine for informs). */
export const TrapUserSchema = SnmpV3Fields.omit({ version: true, context: true }).strict();

/** One device the agent polls. */
export const DeviceConfigSchema = z.object({
  id: EntityId,
  name: Text(255),
  ip_address: IpAddress,
  port: z.int().min(1).max(65535).default(161),
  snmp: SnmpCredentialsSchema,
  poll_interval_s: z.int().min(5).max(86_400).default(60),
  timeout_ms: z.int().min(100).max(60_000).default(2_000),
  retries: z.int().min(0).max(10).default(1),
  /** Profile names to poll; empty means "choose from sysObjectID". */
  profiles: z.array(Text(64)).max(32).default([]),
  /** Extra OIDs polled on this device besides its profiles. */
  custom_oids: z.array(CustomOidSchema).max(64).optional(),
  /**
   * Whether the agent may try the site's other v1/v2c communities (its devices', its credential sets') on this
   * address when the device times out, to tell a wrong community from a dead host: true only where the hub lets
   * credentials go on a non-admin's word (its `discoveryAllowedNetworks`). Absent: never.
   */
  try_site_communities: z.boolean().optional(),
});
export type DeviceConfig = z.infer<typeof DeviceConfigSchema>;

/** One camera the agent probes. The URL carries no credentials; they travel beside it. */
export const CameraConfigSchema = z.object({
  id: EntityId,
  name: Text(255),
  rtsp_url: z
    .string()
    .max(2048)
    .regex(/^rtsps?:\/\/[^/@\s]+(\/\S*)?$/i, 'must be an rtsp:// or rtsps:// URL without credentials'),
  username: Text(255).optional(),
  password: Text(255).optional(),
  probe_interval_s: z.int().min(5).max(86_400).default(60),
  /** 0 disables scheduled snapshots. */
  snapshot_interval_s: z.int().min(0).max(86_400).default(600),
  /** Frames per second the camera is set to send; degraded when well below it. */
  nominal_fps: z.number().positive().max(240).optional(),
});
export type CameraConfig = z.infer<typeof CameraConfigSchema>;

/**
 * The agent's SNMP trap and inform receiver. Off unless enabled. Traps are accepted from any sender whose
 * community is listed here or is the community of a configured device; informs also with one of `users`
 * (SNMPv3). Each sender may send `rate_per_s` on average with bursts of `burst`; all senders together
 * `max_per_s`. What goes beyond is dropped, counted and reported (`trap_dropped` events), never queued.
 */
export const TrapConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** 162 needs CAP_NET_BIND_SERVICE (agent README, "Traps"); the default is unprivileged. */
    port: z.int().min(1).max(65535).default(1162),
    address: IpAddress.default('0.0.0.0'),
    communities: z.array(Text(255).min(1)).max(32).default([]),
    users: z.array(TrapUserSchema).max(32).default([]),
    rate_per_s: z.number().positive().max(10_000).default(5),
    burst: z.int().min(1).max(100_000).default(50),
    max_per_s: z.number().positive().max(100_000).default(200),
  })
  .superRefine((t, ctx) => {
    t.users.forEach((u, i) => {
      if (u.security_level !== 'noAuthNoPriv' && (!u.auth_protocol || !u.auth_key))
        ctx.addIssue({
          code: 'custom',
          path: ['users', i, 'auth_key'],
          message: 'required with its auth_protocol',
        });
      if (u.security_level === 'authPriv' && (!u.priv_protocol || !u.priv_key))
        ctx.addIssue({
          code: 'custom',
          path: ['users', i, 'priv_key'],
          message: 'required with its priv_protocol',
        });
    });
  });
export type TrapConfig = z.infer<typeof TrapConfigSchema>;
export type TrapConfigInput = z.input<typeof TrapConfigSchema>;

/**
 * A site's credential set as the agent gets it: SNMP credentials and camera logins that discovery tries in
 * order. Secrets like the devices', sent only to the agents of the site (global sets to every site).
 */
export const CredentialSetConfigSchema = z.object({
  id: EntityId,
  name: Text(100),
  snmp: z
    .array(z.object({ id: EntityId, snmp: SnmpCredentialsSchema }))
    .max(32)
    .default([]),
  camera: z
    .array(z.object({ id: EntityId, username: Text(255).min(1), password: Text(255) }))
    .max(32)
    .default([]),
});
export type CredentialSetConfig = z.infer<typeof CredentialSetConfigSchema>;

/** `down/config` (retained): everything the agent polls. A higher version replaces a lower one. */
export const ConfigSchema = z.object({
  v: Version,
  version: z.int().positive(),
  issued_at: Timestamp,
  site_id: EntityId,
  devices: z.array(DeviceConfigSchema).max(10_000).default([]),
  cameras: z.array(CameraConfigSchema).max(5_000).default([]),
  /** Checks (icmp, tcp, http, dns, ...) on the site's devices, SNMP or not. */
  checks: z.array(CheckConfigSchema).max(10_000).default([]),
  /** Custom OIDs polled on every SNMP device of the site (or those under their `sys_object_id`). */
  custom_oids: z.array(CustomOidSchema).max(64).default([]),
  traps: TrapConfigSchema.prefault({}),
  /** Credentials discovery tries (site sets first, then the global ones). Absent from an older hub. */
  credential_sets: z.array(CredentialSetConfigSchema).max(64).optional(),
  intervals: z
    .object({
      /** How often the agent republishes `status` while online. */
      heartbeat_s: z.int().min(5).max(3_600).default(30),
      /** Most time a sample waits in the outbox before a batch is sent. */
      batch_max_delay_ms: z.int().min(50).max(60_000).default(1_000),
      /**
       * How often the agent reads each SNMP device's neighbour, forwarding and ARP tables and its own network
       * (topology events); 0 turns it off. Absent from an older hub: 900.
       */
      topology_s: z.int().min(0).max(86_400).default(900),
    })
    .prefault({}),
  /**
   * What this hub accepts beyond the v1 baseline, e.g. `batch.compact.1` (compact batches of format 1). Absent
   * from an older hub; an agent ignores names it does not know.
   */
  capabilities: z.array(z.string().max(128)).max(256).optional(),
});
export type ConfigMessage = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
