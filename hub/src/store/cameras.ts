import type { SiteFilter } from './tenancy.js';
/** What the API writes (password already encrypted, `meta` JSON text). */
export interface CameraRecord {
  name: string;
  ip_address: string;
  rtsp_url: string;
  username: string | null;
  password_secret: string | null;
  location: string | null;
  site_id: number;
  meta: string;
  /** The device it hangs off, set by an operator (else one is inferred from the site's topology). */
  parent_id?: number | null;
  mac_address?: string | null;
  /** A camera login of a credential set used instead of the camera's own username and password. */
  credential_id?: number | null;
  /** The PoE port of its parent switch that powers it, as POWER-ETHERNET-MIB labels it (`group.port`). */
  uplink_port?: string | null;
}

/** A camera with what agents report about it (`stream_json`: codec, size, fps, bitrate as JSON text). */
export interface CameraRow extends CameraRecord {
  parent_id: number | null;
  mac_address: string | null;
  credential_id: number | null;
  uplink_port: string | null;
  id: number;
  status: string;
  status_reason: string | null;
  last_seen: number | null;
  last_snapshot_at: number | null;
  stream_json: string | null;
  created_at: number;
  updated_at: number;
}

export interface CameraFilter {
  status?: string;
  /** A site, or any of these sites (a scoped caller's). */
  site_id?: SiteFilter;
  /** Matches name, address or location (a substring, literally). */
  q?: string;
}

/** Columns the camera list can be sorted by. */
export const CAMERA_SORTS = [
  'id',
  'name',
  'ip_address',
  'status',
  'last_seen',
  'site_id',
  'created_at',
] as const;
export type CameraSort = (typeof CAMERA_SORTS)[number];

export interface CameraState {
  id: number;
  site_id: number;
  status: string;
}

/** A state report; `last_seen` moves when online or degraded; `stream` given replaces the stored one. */
export interface CameraStateUpdate {
  id: number;
  status: string;
  reason: string | null;
  ts: number;
  stream?: object;
}

/** Cameras: the inventory (written by the API) and their reported state (written by ingest). */
export interface CameraRepo {
  get(id: number): Promise<CameraRow | undefined>;
  insert(record: CameraRecord, now: number): Promise<CameraRow>;
  update(id: number, patch: Partial<CameraRecord>, now: number): Promise<CameraRow | undefined>;
  delete(id: number): Promise<boolean>;
  list(
    f: CameraFilter,
    sort: CameraSort,
    order: 'asc' | 'desc',
    page: number,
    perPage: number,
  ): Promise<{ rows: CameraRow[]; total: number }>;
  statusCounts(site?: SiteFilter): Promise<Record<string, number>>;
  siteOf(id: number): Promise<number | undefined>;
  /** The cameras of a site, by id (an agent's config). */
  forSite(siteId: number): Promise<CameraRow[]>;
  state(id: number): Promise<CameraState | undefined>;
  setState(u: CameraStateUpdate): Promise<void>;
}
