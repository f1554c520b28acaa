import type { SecretBox } from '../crypto/secrets.js';
import type { Db } from './db.js';
import { recordTable } from './records.js';

export interface CameraRow {
  id: number;
  name: string;
  ip_address: string;
  rtsp_url: string;
  username: string | null;
  password_secret: string | null;
  location: string | null;
  site_id: number;
  meta: string;
  status: string;
  status_reason: string | null;
  last_seen: number | null;
  last_snapshot_at: number | null;
  stream_json: string | null;
  created_at: number;
  updated_at: number;
}

export interface CameraRecord {
  name: string;
  ip_address: string;
  rtsp_url: string;
  username: string | null;
  password_secret: string | null;
  location: string | null;
  site_id: number;
  meta: string;
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
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    parts.push("(name LIKE ? ESCAPE '\\' OR ip_address LIKE ? ESCAPE '\\' OR location LIKE ? ESCAPE '\\')");
    args.push(like, like, like);
  }
  const clause = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM cameras ${clause}`).get(...args) as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT * FROM cameras ${clause} ORDER BY ${sort} ${order === 'desc' ? 'DESC' : 'ASC'}, id LIMIT ? OFFSET ?`,
    )
    .all(...args, perPage, (page - 1) * perPage) as CameraRow[];
  return { rows, total };
}

export function cameraStatusCounts(db: Db, siteId?: number): Record<string, number> {
  const rows = db
    .prepare(
      `SELECT status, COUNT(*) AS n FROM cameras ${siteId === undefined ? '' : 'WHERE site_id = ?'} GROUP BY status`,
    )
    .all(...(siteId === undefined ? [] : [siteId])) as { status: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
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
