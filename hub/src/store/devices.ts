import type { SnmpCredentials } from '@outpost/protocol';
import type { SecretBox } from '../crypto/secrets.js';
import type { Db } from './db.js';
import { countByStatus, listRecords, recordTable } from './records.js';
import { deviceMatch } from './sqlite/fts.js';

const DEVICE_MATCH = 'id IN (SELECT rowid FROM devices_search WHERE devices_search MATCH ?)';

/** Non-secret SNMP settings, stored in devices.snmp_json. */
export interface SnmpSettings {
  version: '1' | '2c' | '3';
  port: number;
  username?: string;
  security_level?: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
  auth_protocol?: string;
  priv_protocol?: string;
  context?: string;
  timeout_ms?: number;
  retries?: number;
  has_community: boolean;
  has_auth_key: boolean;
  has_priv_key: boolean;
}

/** Secret SNMP settings, stored encrypted in devices.snmp_secret. */
export interface SnmpSecrets {
  community?: string;
  auth_key?: string;
  priv_key?: string;
}

/** What the API writes (secrets already encrypted). */
export interface DeviceRecord {
  name: string;
  ip_address: string;
  site_id: number;
  parent_id: number | null;
  vendor: string | null;
  mac_address: string | null;
  device_type: string;
  snmp_json: string;
  snmp_secret: string | null;
  poll_interval_s: number;
  profile: string | null;
  meta: string;
}

export interface DeviceRow extends DeviceRecord {
  id: number;
  status: string;
  status_error: string | null;
  last_seen: number | null;
  sys_name: string | null;
  sys_descr: string | null;
  sys_object_id: string | null;
  uptime_s: number | null;
  created_at: number;
  updated_at: number;
}

const WRITABLE = [
  'name',
  'ip_address',
  'site_id',
  'parent_id',
  'vendor',
  'mac_address',
  'device_type',
  'snmp_json',
  'snmp_secret',
  'poll_interval_s',
  'profile',
  'meta',
] as const;

const table = recordTable<DeviceRow, DeviceRecord>('devices', WRITABLE);

export const getDevice = table.get;
export const insertDevice = table.insert;
export const updateDevice = table.update;
export const deleteDevice = table.remove;

export interface DeviceFilter {
  /** A status, or `offline` for unreachable and auth_failed together. */
  status?: string;
  site_id?: number;
  device_type?: string;
  q?: string;
  /** `q` as MAC hex digits when it looks like part of a MAC address (fleet/mac.ts). */
  macHex?: string;
}

export const DEVICE_SORTS = [
  'id',
  'name',
  'ip_address',
  'status',
  'last_seen',
  'device_type',
  'site_id',
  'created_at',
] as const;

export function listDevices(
  db: Db,
  f: DeviceFilter,
  sort: (typeof DEVICE_SORTS)[number],
  order: 'asc' | 'desc',
  page: number,
  perPage: number,
): { rows: DeviceRow[]; total: number } {
  // Three characters or more: the trigram index (migration 009) instead of scanning every device.
  const match = f.q ? deviceMatch(f.q, f.macHex) : undefined;
  const query = {
    equals: {
      status: f.status === 'offline' ? ['unreachable', 'auth_failed'] : f.status,
      site_id: f.site_id,
      device_type: f.device_type,
    },
    q: f.q,
    match: match === undefined ? undefined : { sql: DEVICE_MATCH, args: [match] },
    // The MAC also without colons, so that 001a2b finds 00:1a:2b:...
    searchColumns: [
      'name',
      'ip_address',
      'sys_name',
      'vendor',
      'mac_address',
      "replace(mac_address, ':', '')",
    ],
  };
  return listRecords<DeviceRow>(db, 'devices', query, sort, order, page, perPage);
}

/** Devices by status; `offline` is unreachable and auth_failed together. */
export function deviceStatusCounts(
  db: Db,
  siteId?: number,
): {
  total: number;
  online: number;
  offline: number;
  unreachable: number;
  auth_failed: number;
  unknown: number;
} {
  const out = { total: 0, online: 0, offline: 0, unreachable: 0, auth_failed: 0, unknown: 0 };
  for (const [status, n] of Object.entries(countByStatus(db, 'devices', siteId))) {
    out.total += n;
    if (status === 'online') out.online += n;
    else if (status === 'unreachable' || status === 'auth_failed') {
      out[status] += n;
      out.offline += n;
    } else out.unknown += n;
  }
  return out;
}

/** The ids of a device's ancestors (parent, grandparent, ...), stopping at a cycle. */
export function ancestors(db: Db, id: number): number[] {
  const out: number[] = [];
  let current: number | null = id;
  const stmt = db.prepare('SELECT parent_id FROM devices WHERE id = ?');
  while (current !== null && out.length < 1000) {
    const row = stmt.get(current) as { parent_id: number | null } | undefined;
    current = row?.parent_id ?? null;
    if (current === null || out.includes(current)) break;
    out.push(current);
  }
  return out;
}

export function parseSnmp(row: Pick<DeviceRow, 'snmp_json'>): SnmpSettings {
  return JSON.parse(row.snmp_json) as SnmpSettings;
}

export function decryptSnmpSecrets(secrets: SecretBox, row: Pick<DeviceRow, 'snmp_secret'>): SnmpSecrets {
  return row.snmp_secret ? (JSON.parse(secrets.decrypt(row.snmp_secret)) as SnmpSecrets) : {};
}

/**
 * The device's SNMP settings with decrypted credentials, in the protocol's shape: for the agent config only,
 * never for an API response or a log line.
 */
export function deviceSnmpCredentials(
  secrets: SecretBox,
  row: DeviceRow,
): { port: number; timeout_ms?: number; retries?: number; snmp: SnmpCredentials } {
  const s = parseSnmp(row);
  const k = decryptSnmpSecrets(secrets, row);
  const base = { port: s.port, timeout_ms: s.timeout_ms, retries: s.retries };
  if (s.version !== '3') return { ...base, snmp: { version: s.version, community: k.community ?? '' } };
  return {
    ...base,
    snmp: {
      version: '3',
      username: s.username ?? '',
      security_level: s.security_level ?? 'noAuthNoPriv',
      auth_protocol: s.auth_protocol as never,
      auth_key: k.auth_key,
      priv_protocol: s.priv_protocol as never,
      priv_key: k.priv_key,
      context: s.context,
    },
  };
}
