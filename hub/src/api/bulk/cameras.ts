import { ApiError, type ErrorDetail } from '../errors.js';
import { CreateCamera, cameraTargetMoved, ipHost, splitRtspUrl } from '../models/camera.js';
import { MacAddress } from '../models/device.js';
import type { ImportRecord } from './csv.js';
import { cellMessage } from './devices.js';
import {
  type FieldError,
  type ImportContext,
  type PlannedLine,
  resolveSite,
  unknownColumns,
} from './plan.js';

/** The columns of a camera import and export, in export order; `password` is never exported. */
export const CAMERA_COLUMNS = [
  'site',
  'name',
  'rtsp_url',
  'ip_address',
  'username',
  'password',
  'location',
  'mac_address',
  'parent',
  'credential_id',
] as const;
export const CAMERA_SECRET_COLUMNS: ReadonlySet<string> = new Set(['password']);

/** A camera as the inventory holds it, its password decrypted (in memory only, to compare). */
export interface ExistingCamera {
  id: number;
  site_id: number;
  name: string;
  rtsp_url: string;
  ip_address: string;
  username: string | null;
  password: string | null;
  location: string | null;
  mac_address: string | null;
  parent_id: number | null;
  credential_id: number | null;
}

export interface CameraWrite {
  site_id: number;
  name: string;
  rtsp_url: string;
  ip_address: string;
  username: string | null;
  /** Undefined: keep the stored password. */
  password?: string | null;
  location: string | null;
  mac_address: string | null;
  parent: string | null;
  credential_id: number | null;
}

const int = (v: string | undefined) =>
  v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : Number.NaN;

/**
 * Plans a camera import like a device import; a camera is matched by site and name (one NVR address serves many
 * cameras). Credentials in the URL move to username and password, as through the API. `parent` names a device
 * of the same site; `devices` are that site's device names.
 */
export function planCameras(
  records: readonly ImportRecord[],
  columns: readonly string[],
  ctx: ImportContext<ExistingCamera> & { deviceNames: ReadonlyMap<string, number> },
): PlannedLine<CameraWrite>[] {
  const bad = unknownColumns(columns, CAMERA_COLUMNS);
  const byKey = new Map(ctx.existing.map((c) => [`${c.site_id}|${c.name.toLowerCase()}`, c]));
  const seen = new Map<string, number>();
  return records.map((r) => {
    const f = r.fields;
    const errors: FieldError[] = [...bad];
    const site = resolveSite(f.site, ctx.sites, errors);
    let url = f.rtsp_url;
    let username = f.username;
    let password = f.password;
    let host: string | undefined;
    if (url !== undefined) {
      try {
        const split = splitRtspUrl(url);
        url = split.url;
        host = split.host;
        username ??= split.username;
        password ??= split.password;
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        for (const d of (err.details as ErrorDetail[] | undefined) ?? [])
          errors.push({ field: 'rtsp_url', message: d.message });
      }
    }
    const ip = f.ip_address ?? (host ? ipHost(host) : undefined);
    const parsed = CreateCamera.safeParse({
      name: f.name,
      rtsp_url: url,
      site_id: site?.id ?? 1,
      ...(ip ? { ip_address: ip } : {}),
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(f.location ? { location: f.location } : {}),
    });
    if (!parsed.success)
      for (const i of parsed.error.issues)
        errors.push({ field: String(i.path[0] ?? 'name'), message: cellMessage(i.message) });
    if (parsed.success && !ip)
      errors.push({ field: 'ip_address', message: 'required when the URL host is a name' });
    let mac: string | null = null;
    if (f.mac_address !== undefined) {
      const m = MacAddress.safeParse(f.mac_address);
      if (m.success) mac = m.data;
      else errors.push({ field: 'mac_address', message: m.error.issues[0]?.message ?? 'invalid' });
    }
    const credentialId = int(f.credential_id);
    if (credentialId !== undefined) {
      const c = ctx.credentials.find((x) => x.id === credentialId);
      if (!c || c.kind !== 'camera')
        errors.push({ field: 'credential_id', message: `no camera credential ${f.credential_id}` });
      else if (c.site_id !== null && site && c.site_id !== site.id)
        errors.push({
          field: 'credential_id',
          message: `credential ${credentialId} belongs to another site`,
        });
    }
    if (f.parent && site && !ctx.deviceNames.has(`${site.id}|${f.parent.toLowerCase()}`))
      errors.push({ field: 'parent', message: `no device named "${f.parent}" at site ${site.name}` });
    const key = site && f.name ? `${site.id}|${f.name.toLowerCase()}` : undefined;
    if (key) {
      const first = seen.get(key);
      if (first !== undefined)
        errors.push({ field: 'name', message: `the same site and name as line ${first}` });
      else seen.set(key, r.line);
    }
    if (errors.length > 0 || !parsed.success || !site || !ip || !url)
      return { line: r.line, action: 'refused', errors };
    const write: CameraWrite = {
      site_id: site.id,
      name: parsed.data.name,
      rtsp_url: url,
      ip_address: ip,
      username: username ?? null,
      ...(password !== undefined ? { password } : {}),
      location: f.location ?? null,
      mac_address: mac,
      parent: f.parent ?? null,
      credential_id: credentialId ?? null,
    };
    const existing = key ? byKey.get(key) : undefined;
    if (!existing) return { line: r.line, action: 'create', errors: [], write };
    const changes: string[] = [];
    const cmp = (col: string, a: unknown, b: unknown) => {
      if ((a ?? null) !== (b ?? null)) changes.push(col);
    };
    cmp('rtsp_url', existing.rtsp_url, write.rtsp_url);
    cmp('ip_address', existing.ip_address, write.ip_address);
    if (f.username !== undefined || username !== undefined)
      cmp('username', existing.username, write.username);
    if (password !== undefined) cmp('password', existing.password, password);
    else if (existing.password !== null && cameraTargetMoved(existing, write)) {
      // As through the API: the stored password does not follow the camera to another address, site or RTSP
      // server unless the line gives it again (an importer could otherwise aim it at a server of their own).
      write.password = null;
      changes.push('password');
    }
    if (f.location !== undefined) cmp('location', existing.location, write.location);
    if (f.mac_address !== undefined) cmp('mac_address', existing.mac_address, write.mac_address);
    if (f.credential_id !== undefined) cmp('credential_id', existing.credential_id, write.credential_id);
    if (f.parent !== undefined)
      cmp('parent', existing.parent_id, ctx.deviceNames.get(`${site.id}|${f.parent.toLowerCase()}`) ?? null);
    return changes.length === 0
      ? { line: r.line, action: 'unchanged', id: existing.id, errors: [] }
      : { line: r.line, action: 'update', id: existing.id, errors: [], write, changes };
  });
}
