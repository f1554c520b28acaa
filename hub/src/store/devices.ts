import type { SnmpCredentials } from '@outpost/protocol';
import type { SecretBox } from '../crypto/secrets.js';
import type { Db } from './db.js';
import { recordTable } from './records.js';

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

export interface DeviceRow {
  id: number;
  name: string;
  ip_address: string;
  site_id: number;
  parent_id: number | null;
  vendor: string | null;
  device_type: string;
  snmp_json: string;
  snmp_secret: string | null;
  poll_interval_s: number;
  profile: string | null;
  meta: string;
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

/** What the API writes (secrets already encrypted). */
export interface DeviceRecord {
  name: string;
  ip_address: string;
  site_id: number;
  parent_id: number | null;
  vendor: string | null;
  device_type: string;
  snmp_json: string;
  snmp_secret: string | null;
  poll_interval_s: number;
  profile: string | null;
  meta: string;
}

const WRITABLE = [
  'name',
  'ip_address',
  'site_id',
  'parent_id',
  'vendor',
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
  status?: string;
  site_id?: number;
  device_type?: string;
  q?: string;
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

function where(f: DeviceFilter): { clause: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  if (f.status) {
    parts.push('status = ?');
    args.push(f.status);
  }
  if (f.site_id !== undefined) {
    parts.push('site_id = ?');
    args.push(f.site_id);
  }
  if (f.device_type) {
    parts.push('device_type = ?');
    args.push(f.device_type);
  }
  if (f.q) {
    // LIKE with an escape so %, _ in the search are literal.
    const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    parts.push(
      "(name LIKE ? ESCAPE '\\' OR ip_address LIKE ? ESCAPE '\\' OR sys_name LIKE ? ESCAPE '\\' OR vendor LIKE ? ESCAPE '\\')",
    );
    args.push(like, like, like, like);
  }
  return { clause: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}

export function listDevices(
  db: Db,
  f: DeviceFilter,
  sort: (typeof DEVICE_SORTS)[number],
  order: 'asc' | 'desc',
  page: number,
  perPage: number,
): { rows: DeviceRow[]; total: number } {
  const { clause, args } = where(f);
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM devices ${clause}`).get(...args) as { n: number }).n;
  // sort comes from a fixed list, never from raw input.
  const rows = db
    .prepare(
      `SELECT * FROM devices ${clause} ORDER BY ${sort} ${order === 'desc' ? 'DESC' : 'ASC'}, id LIMIT ? OFFSET ?`,
    )
    .all(...args, perPage, (page - 1) * perPage) as DeviceRow[];
  return { rows, total };
}

export function deviceStatusCounts(
  db: Db,
  siteId?: number,
): { total: number; online: number; offline: number; unknown: number } {
  const rows = db
    .prepare(
      `SELECT status, COUNT(*) AS n FROM devices ${siteId === undefined ? '' : 'WHERE site_id = ?'} GROUP BY status`,
    )
    .all(...(siteId === undefined ? [] : [siteId])) as { status: string; n: number }[];
  const out = { total: 0, online: 0, offline: 0, unknown: 0 };
  for (const r of rows) {
    out.total += r.n;
    if (r.status === 'online' || r.status === 'offline') out[r.status] += r.n;
    else out.unknown += r.n;
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
