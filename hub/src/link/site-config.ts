import { createHash } from 'node:crypto';
import {
  CAPABILITY_COMPACT_BATCH,
  type CameraConfig,
  CameraConfigSchema,
  type CheckConfig,
  CheckConfigSchema,
  type ConfigInput,
  type CredentialSetConfig,
  type CustomOid,
  type DeviceConfig,
  DeviceConfigSchema,
  type TrapConfigInput,
} from '@outpost/protocol';
import { credentialSetsForConfig } from '../inventory/credential-sets.js';
import { hasSnmp } from '../inventory/credentials.js';
import { decodeSiteTraps, trapConfig } from '../inventory/site-traps.js';
import type { SiteNetworks } from '../net/site-networks.js';
import type { CheckRow } from '../store/checks.js';
import type { CredentialRow } from '../store/credentials.js';
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
  credential_id?: number | null;
}

interface CameraRow {
  id: number;
  name: string;
  rtsp_url: string;
  username: string | null;
  password_secret: string | null;
  meta: string;
  credential_id?: number | null;
}

export interface SiteConfigBody {
  site_id: number;
  devices: DeviceConfig[];
  cameras: CameraConfig[];
  intervals: { heartbeat_s: number; batch_max_delay_ms: number; topology_s?: number };
  /** The enabled checks of the site's devices; absent when there are none (an older agent ignores it). */
  checks?: CheckConfig[];
  /** Site-wide custom OIDs; absent when there are none. */
  custom_oids?: CustomOid[];
  /** Present when the trap receiver is on (an older agent ignores it). */
  traps?: TrapConfigInput;
  /** The site's credential sets, then the global ones (present when there is any). */
  credential_sets?: CredentialSetConfig[];
}

export interface Skipped {
  kind: 'device' | 'camera' | 'check' | 'traps' | 'credential_set';
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
  customOids: readonly CustomOid[] = [],
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
    ...(customOids.length ? { custom_oids: customOids } : {}),
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

/** The agent's view of one check, validated by the protocol schema (params as the kind defines them). */
export function checkConfig(row: CheckRow): { ok: true; value: CheckConfig } | { ok: false; reason: string } {
  const parsed = CheckConfigSchema.safeParse({
    id: row.id,
    device_id: row.device_id,
    name: row.name,
    kind: row.kind,
    interval_s: row.interval_s,
    timeout_ms: row.timeout_ms,
    params: parseObject(row.params),
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return { ok: false, reason: `${i?.path.join('.')}: ${i?.message}` };
  }
  return { ok: true, value: parsed.data };
}

/** The hub-wide trap receiver settings (`agentTraps*`): what a site without settings of its own gets. */
export interface HubTrapDefaults {
  enabled: boolean;
  port: number;
  community?: string;
}

/**
 * A device or camera row with the secrets of the credential it references in place of its own: the
 * credential's settings over the device's (its port, timeout and retries stay), its secret blob; or why not.
 */
export function withCredential<R extends DeviceRow | CameraRow>(
  row: R,
  entries: ReadonlyMap<number, CredentialRow>,
): { ok: true; row: R } | { ok: false; reason: string } {
  if (!row.credential_id) return { ok: true, row };
  const entry = entries.get(row.credential_id);
  if (!entry) return { ok: false, reason: `credential ${row.credential_id} no longer exists` };
  if ('snmp_json' in row) {
    if (entry.kind !== 'snmp')
      return { ok: false, reason: `credential ${entry.id} is not an SNMP credential` };
    const { port, timeout_ms, retries } = parseObject(row.snmp_json);
    const settings = { ...parseObject(entry.settings), port, timeout_ms, retries };
    return { ok: true, row: { ...row, snmp_json: JSON.stringify(settings), snmp_secret: entry.secret } };
  }
  if (entry.kind !== 'camera') return { ok: false, reason: `credential ${entry.id} is not a camera login` };
  const username = String(parseObject(entry.settings).username ?? '');
  return { ok: true, row: { ...row, username: username || null, password_secret: entry.secret } };
}

/** Builds a site's config from the store. Rows that cannot be expressed are skipped and listed. */
export async function buildSiteConfig(
  store: Pick<Repositories, 'devices' | 'cameras' | 'credentials' | 'checks' | 'customOids' | 'siteTraps'>,
  siteId: number,
  decrypt: Decrypt,
  intervals: SiteConfigBody['intervals'],
  traps: HubTrapDefaults = { enabled: false, port: 1162 },
  networks?: Pick<SiteNetworks, 'containsAddress'>,
): Promise<{ body: SiteConfigBody; skipped: Skipped[] }> {
  const skipped: Skipped[] = [];
  const sets = [...(await store.credentials.listSets(siteId)), ...(await store.credentials.listSets(null))];
  const entryRows = await store.credentials.entries(sets.map((s) => s.id));
  const entries = new Map(entryRows.map((e) => [e.id, e]));
  const devices: DeviceConfig[] = [];
  const deviceOids = await store.customOids.devicesOfSite(siteId);
  for (const stored of await store.devices.forSite(siteId)) {
    // A device without SNMP reaches the agent through its checks only.
    if (!hasSnmp(stored)) continue;
    const w = withCredential(stored, entries);
    const r = w.ok ? deviceConfig(w.row, decrypt, deviceOids.get(stored.id)) : w;
    if (r.ok) {
      // The agent may try the site's other communities here only where credentials may go anyway.
      if (networks?.containsAddress(r.value.ip_address)) r.value.try_site_communities = true;
      devices.push(r.value);
    } else skipped.push({ kind: 'device', id: stored.id, reason: r.reason });
  }
  const cameras: CameraConfig[] = [];
  for (const stored of await store.cameras.forSite(siteId)) {
    const w = withCredential(stored, entries);
    const r = w.ok ? cameraConfig(w.row, decrypt) : w;
    if (r.ok) cameras.push(r.value);
    else skipped.push({ kind: 'camera', id: stored.id, reason: r.reason });
  }
  const checks: CheckConfig[] = [];
  for (const row of await store.checks.forSite(siteId)) {
    if (!row.enabled) continue;
    const r = checkConfig(row);
    if (r.ok) checks.push(r.value);
    else skipped.push({ kind: 'check', id: row.id, reason: r.reason });
  }
  const body: SiteConfigBody = { site_id: siteId, devices, cameras, intervals };
  if (checks.length) body.checks = checks;
  const siteOids = await store.customOids.list({ site_id: siteId });
  if (siteOids.length) body.custom_oids = siteOids;
  const own = await store.siteTraps.get(siteId);
  if (own) {
    try {
      if (own.enabled) body.traps = trapConfig(decodeSiteTraps(own, decrypt));
    } catch (err) {
      skipped.push({ kind: 'traps', id: siteId, reason: `trap secrets: ${(err as Error).message}` });
    }
  } else if (traps.enabled)
    body.traps = { enabled: true, port: traps.port, communities: traps.community ? [traps.community] : [] };
  if (sets.length > 0) {
    try {
      body.credential_sets = credentialSetsForConfig({ decrypt }, sets, entryRows);
    } catch (err) {
      skipped.push({ kind: 'credential_set', id: 0, reason: `credential sets: ${(err as Error).message}` });
    }
  }
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
