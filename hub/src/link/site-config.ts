import { createHash } from 'node:crypto';
import {
  CAPABILITY_COMPACT_BATCH,
  type CameraConfig,
  CameraConfigSchema,
  type ConfigInput,
  type DeviceConfig,
  DeviceConfigSchema,
  type TrapConfigInput,
} from '@outpost/protocol';
import type { Repositories } from '../store/port.js';

/** Decrypts a stored secret blob (the hub's SecretBox). */
export type Decrypt = (blob: string) => string;

interface DeviceRow {
  id: number;
  name: string;
  ip_address: string;
  snmp_json: string;
  snmp_secret: string | null;
  poll_interval_s: number;
  profile: string | null;
}

interface CameraRow {
  id: number;
  name: string;
  rtsp_url: string;
  username: string | null;
  password_secret: string | null;
  meta: string;
}

export interface SiteConfigBody {
  site_id: number;
  devices: DeviceConfig[];
  cameras: CameraConfig[];
  intervals: { heartbeat_s: number; batch_max_delay_ms: number };
  /** Present when the trap receiver is on (an older agent ignores it). */
  traps?: TrapConfigInput;
}

export interface Skipped {
  kind: 'device' | 'camera';
  id: number;
  reason: string;
}

function parseObject(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The secret part of a device's SNMP settings: a JSON object of keys, or a bare community string. */
function snmpSecrets(blob: string | null, decrypt: Decrypt): Record<string, unknown> {
  if (!blob) return {};
  const plain = decrypt(blob);
  const obj = parseObject(plain);
  return Object.keys(obj).length > 0 ? obj : { community: plain };
}

/** The agent's view of one device: SNMP settings with decrypted secrets, validated by the protocol schema. */
export function deviceConfig(
  row: DeviceRow,
  decrypt: Decrypt,
): { ok: true; value: DeviceConfig } | { ok: false; reason: string } {
  let secrets: Record<string, unknown>;
  try {
    secrets = snmpSecrets(row.snmp_secret, decrypt);
  } catch (err) {
    return { ok: false, reason: `snmp secret: ${(err as Error).message}` };
  }
  const snmp = { ...parseObject(row.snmp_json), ...secrets };
  const { port, timeout_ms, retries, profiles, ...credentials } = snmp as Record<string, unknown> & {
    port?: number;
    timeout_ms?: number;
    retries?: number;
    profiles?: string[];
  };
  const version = String(credentials.version ?? '2c');
  const creds = Object.fromEntries(
    Object.entries({ ...credentials, version }).filter(
      ([k, v]) =>
        v !== null &&
        v !== undefined &&
        (version === '3' ? k !== 'community' : ['version', 'community'].includes(k)),
    ),
  );
  const parsed = DeviceConfigSchema.safeParse({
    id: row.id,
    name: row.name,
    ip_address: row.ip_address,
    ...(port !== undefined ? { port } : {}),
    snmp: creds,
    poll_interval_s: row.poll_interval_s,
    ...(timeout_ms !== undefined ? { timeout_ms } : {}),
    ...(retries !== undefined ? { retries } : {}),
    profiles:
      profiles ??
      (row.profile
        ? row.profile
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean)
        : []),
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return { ok: false, reason: `${i?.path.join('.')}: ${i?.message}` };
  }
  return { ok: true, value: parsed.data };
}

/** The URL without user info (credentials travel beside it). */
function stripCredentials(url: string): string {
  return url.replace(/^(rtsps?:\/\/)[^/@\s]*@/i, '$1');
}

export function cameraConfig(
  row: CameraRow,
  decrypt: Decrypt,
): { ok: true; value: CameraConfig } | { ok: false; reason: string } {
  let password: string | undefined;
  try {
    password = row.password_secret ? decrypt(row.password_secret) : undefined;
  } catch (err) {
    return { ok: false, reason: `password: ${(err as Error).message}` };
  }
  const meta = parseObject(row.meta);
  const parsed = CameraConfigSchema.safeParse({
    id: row.id,
    name: row.name,
    rtsp_url: stripCredentials(row.rtsp_url),
    ...(row.username ? { username: row.username } : {}),
    ...(password ? { password } : {}),
    ...(typeof meta.probe_interval_s === 'number' ? { probe_interval_s: meta.probe_interval_s } : {}),
    ...(typeof meta.snapshot_interval_s === 'number'
      ? { snapshot_interval_s: meta.snapshot_interval_s }
      : {}),
    ...(typeof meta.nominal_fps === 'number' ? { nominal_fps: meta.nominal_fps } : {}),
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return { ok: false, reason: `${i?.path.join('.')}: ${i?.message}` };
  }
  return { ok: true, value: parsed.data };
}

/** Builds a site's config from the store. Rows that cannot be expressed are skipped and listed. */
export async function buildSiteConfig(
  store: Pick<Repositories, 'devices' | 'cameras'>,
  siteId: number,
  decrypt: Decrypt,
  intervals: SiteConfigBody['intervals'],
  traps: { enabled: boolean; port: number; community?: string } = { enabled: false, port: 1162 },
): Promise<{ body: SiteConfigBody; skipped: Skipped[] }> {
  const skipped: Skipped[] = [];
  const devices: DeviceConfig[] = [];
  for (const row of await store.devices.forSite(siteId)) {
    const r = deviceConfig(row, decrypt);
    if (r.ok) devices.push(r.value);
    else skipped.push({ kind: 'device', id: row.id, reason: r.reason });
  }
  const cameras: CameraConfig[] = [];
  for (const row of await store.cameras.forSite(siteId)) {
    const r = cameraConfig(row, decrypt);
    if (r.ok) cameras.push(r.value);
    else skipped.push({ kind: 'camera', id: row.id, reason: r.reason });
  }
  const body: SiteConfigBody = { site_id: siteId, devices, cameras, intervals };
  if (traps.enabled)
    body.traps = { enabled: true, port: traps.port, communities: traps.community ? [traps.community] : [] };
  return { body, skipped };
}

/** Hash of a config's content (what decides whether the version grows). */
export function configHash(body: SiteConfigBody): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/** What this hub accepts beyond the v1 baseline, announced in every config (not part of its version). */
export const HUB_CAPABILITIES = [CAPABILITY_COMPACT_BATCH];

/** The full `down/config` message. */
export function configMessage(body: SiteConfigBody, version: number, issuedAt: number): ConfigInput {
  return { v: 1, version, issued_at: issuedAt, ...body, capabilities: HUB_CAPABILITIES };
}
