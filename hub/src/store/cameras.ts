import type { SecretBox } from '../crypto/secrets.js';
import type { Db } from './db.js';
import { countByStatus, listRecords, recordTable } from './records.js';

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
}

export interface CameraRow extends CameraRecord {
  parent_id: number | null;
  mac_address: string | null;
  credential_id: number | null;
  id: number;
  status: string;
  status_reason: string | null;
  last_seen: number | null;
  last_snapshot_at: number | null;
  stream_json: string | null;
  created_at: number;
  updated_at: number;
}

const WRITABLE = [
  'name',
  'ip_address',
  'rtsp_url',
  'username',
  'password_secret',
  'location',
  'site_id',
  'meta',
  'parent_id',
  'mac_address',
  'credential_id',
] as const;

const table = recordTable<CameraRow, CameraRecord>('cameras', WRITABLE);

export const getCamera = table.get;
export const insertCamera = table.insert;
export const updateCamera = table.update;
export const deleteCamera = table.remove;

export interface CameraFilter {
  status?: string;
  site_id?: number;
  q?: string;
}

export const CAMERA_SORTS = [
  'id',
  'name',
  'ip_address',
  'status',
  'last_seen',
  'site_id',
  'created_at',
] as const;

export function listCameras(
  db: Db,
  f: CameraFilter,
  sort: (typeof CAMERA_SORTS)[number],
  order: 'asc' | 'desc',
  page: number,
  perPage: number,
): { rows: CameraRow[]; total: number } {
  const query = {
    equals: { status: f.status, site_id: f.site_id },
    q: f.q,
    searchColumns: ['name', 'ip_address', 'location'],
  };
  return listRecords<CameraRow>(db, 'cameras', query, sort, order, page, perPage);
}

export function cameraStatusCounts(db: Db, siteId?: number): Record<string, number> {
  return countByStatus(db, 'cameras', siteId);
}

/** The camera's credentials in clear, for the agent config only (never an API response or a log line). */
export function cameraCredentials(
  secrets: SecretBox,
  row: CameraRow,
): { username?: string; password?: string } {
  return {
    ...(row.username ? { username: row.username } : {}),
    ...(row.password_secret ? { password: secrets.decrypt(row.password_secret) } : {}),
  };
}
