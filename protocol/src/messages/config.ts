import * as z from 'zod';
import { EntityId, Text, Timestamp, Version } from './common.js';

const IpAddress = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });

export const SNMP_AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export const SNMP_PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;

/** SNMP v1 / v2c credentials. */
const SnmpCommunity = z.object({
  version: z.enum(['1', '2c']),
  community: Text(255).min(1),
});

/** SNMPv3 USM credentials; keys are present when the security level needs them. */
const SnmpV3 = z
  .object({
    version: z.literal('3'),
    username: Text(255).min(1),
    security_level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']),
    auth_protocol: z.enum(SNMP_AUTH_PROTOCOLS).optional(),
    auth_key: Text(255).min(8).optional(),
    priv_protocol: z.enum(SNMP_PRIV_PROTOCOLS).optional(),
    priv_key: Text(255).min(8).optional(),
    context: Text(255).optional(),
  })
  .superRefine((s, ctx) => {
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

/** `down/config` (retained): everything the agent polls. A higher version replaces a lower one. */
export const ConfigSchema = z.object({
  v: Version,
  version: z.int().positive(),
  issued_at: Timestamp,
  site_id: EntityId,
  devices: z.array(DeviceConfigSchema).max(10_000).default([]),
  cameras: z.array(CameraConfigSchema).max(5_000).default([]),
  intervals: z
    .object({
      /** How often the agent republishes `status` while online. */
      heartbeat_s: z.int().min(5).max(3_600).default(30),
      /** Most time a sample waits in the outbox before a batch is sent. */
      batch_max_delay_ms: z.int().min(50).max(60_000).default(1_000),
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
