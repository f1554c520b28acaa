import type { SiteFilter } from './tenancy.js';
/** What the API writes (SNMP secrets already encrypted, `meta` JSON text). */
export interface DeviceRecord {
  name: string;
  ip_address: string;
  site_id: number;
  parent_id: number | null;
  vendor: string | null;
  /** As reported or given, `00:1a:2b:3c:4d:5e` (lower case, colons). */
  mac_address: string | null;
  device_type: string;
  /** Non-secret SNMP settings, JSON text. */
  snmp_json: string;
  /** Secret SNMP settings, encrypted JSON (SecretBox). */
  snmp_secret: string | null;
  poll_interval_s: number;
  profile: string | null;
  meta: string;
  /** A credential of a credential set used instead of the device's own SNMP secrets. */
  credential_id?: number | null;
}

/** A device with what agents report about it. */
export interface DeviceRow extends DeviceRecord {
  credential_id: number | null;
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

export interface DeviceFilter {
  /** A status, or `offline` for unreachable and auth_failed together. */
  status?: string;
  /** A site, or any of these sites (a scoped caller's). */
  site_id?: SiteFilter;
  device_type?: string;
  /** Matches name, address, sysName, vendor or MAC (with or without colons; a substring, literally). */
  q?: string;
  /** `q` as MAC hex digits when it looks like part of a MAC address (fleet/mac.ts). */
  macHex?: string;
}

/** Columns the device list can be sorted by. */
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
export type DeviceSort = (typeof DEVICE_SORTS)[number];

/** The reported state of a device (ingest compares before and after). */
export interface DeviceState {
  id: number;
  site_id: number;
  status: string;
  uptime_s: number | null;
}

/** A state report: `sys` fields given replace the stored ones; `last_seen` moves when online. */
export interface DeviceStateUpdate {
  id: number;
  status: string;
  error: string | null;
  ts: number;
  sys?: { name?: string; descr?: string; object_id?: string; uptime_s?: number };
}

/** What dependency and scope checks need of every device. */
export interface DeviceLink {
  id: number;
  parent_id: number | null;
  status: string;
  device_type: string;
}

/** Devices: the inventory (written by the API) and their reported state (written by ingest). */
export interface DeviceRepo {
  get(id: number): Promise<DeviceRow | undefined>;
  insert(record: DeviceRecord, now: number): Promise<DeviceRow>;
  /** Changes only the fields given. */
  update(id: number, patch: Partial<DeviceRecord>, now: number): Promise<DeviceRow | undefined>;
  delete(id: number): Promise<boolean>;
  /** One page, ordered by `sort` then id, with the total matching. */
  list(
    f: DeviceFilter,
    sort: DeviceSort,
    order: 'asc' | 'desc',
    page: number,
    perPage: number,
  ): Promise<{ rows: DeviceRow[]; total: number }>;
  /** How many devices have each status (of one site when given). */
  statusCounts(site?: SiteFilter): Promise<Record<string, number>>;
  /** The ids of a device's ancestors (parent, grandparent, ...), stopping at a cycle. */
  ancestors(id: number): Promise<number[]>;
  siteOf(id: number): Promise<number | undefined>;
  /** The devices of a site, by id (an agent's config). */
  forSite(siteId: number): Promise<DeviceRow[]>;
  /** Every device's parent, status and type. */
  links(): Promise<DeviceLink[]>;
  state(id: number): Promise<DeviceState | undefined>;
  setState(u: DeviceStateUpdate): Promise<void>;
}
