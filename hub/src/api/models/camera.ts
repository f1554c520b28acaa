import { z } from '@hono/zod-openapi';
import type { CameraRow } from '../../store/cameras.js';
import { ApiError, type ErrorDetail } from '../errors.js';
import { iso, name, text } from '../schemas.js';
import { IpAddress, MacAddress, Meta } from './device.js';

export const CAMERA_STATUSES = [
  'online',
  'offline',
  'degraded',
  'auth_failed',
  'unreachable',
  'unknown',
] as const;

export const RtspUrl = z
  .string()
  .max(2048)
  .regex(/^rtsps?:\/\/\S+$/i, 'must be an rtsp:// or rtsps:// URL')
  .openapi({ description: 'Credentials in the URL are moved to username/password and never stored in it' });

const CameraFields = {
  name: name(),
  ip_address: IpAddress,
  rtsp_url: RtspUrl,
  username: z.string().min(1).max(255).nullable(),
  password: z.string().min(1).max(255).nullable().openapi({ writeOnly: true }),
  location: text(200).nullable(),
  site_id: z.number().int().positive(),
  meta: Meta,
  /** The device it hangs off (an operator's choice; else one is inferred from the site's topology). */
  parent_id: z.number().int().positive().nullable(),
  mac_address: MacAddress.nullable(),
  /** A camera login of a credential set instead of the camera's own username and password. */
  credential_id: z
    .number()
    .int()
    .positive()
    .nullable()
    .openapi({
      description:
        "A camera login of the camera's site's set or a global one (global: admins only). Unless the caller is an " +
        'admin, ip_address and the rtsp_url host (an IP) must be inside the hub setting discoveryAllowedNetworks ' +
        '(400 network_not_allowed)',
    }),
  poe_port: z
    .string()
    .max(32)
    .regex(/^\d+(\.\d+)*$/, 'must be a port as POWER-ETHERNET-MIB labels it, such as 1.5')
    .nullable()
    .openapi({
      description:
        'The PoE port of the parent switch (parent_id) that powers the camera, as POWER-ETHERNET-MIB labels it ' +
        '(group.port, e.g. 1.5): when the port stops delivering power as the camera goes offline, the camera ' +
        'shows it as the likely cause',
    }),
};

export const CreateCamera = z
  .object({
    ...CameraFields,
    ip_address: CameraFields.ip_address
      .optional()
      .openapi({ description: 'Default: the host of rtsp_url when it is an IP' }),
    username: CameraFields.username.optional(),
    password: CameraFields.password.optional(),
    location: CameraFields.location.optional(),
    meta: CameraFields.meta.default({}),
    parent_id: CameraFields.parent_id.optional(),
    mac_address: CameraFields.mac_address.optional(),
    credential_id: CameraFields.credential_id.optional(),
    poe_port: CameraFields.poe_port.optional(),
  })
  .strict()
  .openapi('CreateCamera');

export const UpdateCamera = z.object(CameraFields).partial().strict().openapi('UpdateCamera');

export const StreamSchema = z
  .object({
    codec: z.string().nullable(),
    width: z.number().nullable(),
    height: z.number().nullable(),
    fps: z.number().nullable(),
    bitrate_kbps: z.number().nullable(),
  })
  .openapi('StreamFacts');

export const CameraSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    ip_address: z.string(),
    rtsp_url: z.string(),
    username: z.string().nullable(),
    has_password: z.boolean(),
    location: z.string().nullable(),
    site_id: z.number().int(),
    meta: z.record(z.string(), z.unknown()),
    parent_id: z.number().int().nullable(),
    mac_address: z.string().nullable(),
    credential_id: z.number().int().nullable(),
    poe_port: z.string().nullable(),
    likely_cause: z
      .object({
        kind: z.literal('poe'),
        device_id: z.number().int(),
        port: z.string(),
        since: z.string(),
        message: z.string(),
      })
      .nullable()
      .optional()
      .openapi({
        description:
          'One camera (GET /cameras/{id}) that is not online: what likely took it down, e.g. its PoE port stopped ' +
          'delivering power',
      }),
    status: z.string(),
    status_reason: z.string().nullable(),
    last_seen: z.string().nullable(),
    last_snapshot_at: z.string().nullable(),
    stream: StreamSchema.nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Camera');

export function streamFacts(row: CameraRow): z.infer<typeof StreamSchema> | null {
  if (!row.stream_json) return null;
  const s = JSON.parse(row.stream_json) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    codec: typeof s.codec === 'string' ? s.codec : null,
    width: num(s.width),
    height: num(s.height),
    fps: num(s.fps),
    bitrate_kbps: num(s.bitrate_kbps),
  };
}

export function cameraToApi(r: CameraRow): z.infer<typeof CameraSchema> {
  return {
    id: r.id,
    name: r.name,
    ip_address: r.ip_address,
    rtsp_url: r.rtsp_url,
    username: r.username,
    has_password: r.password_secret !== null,
    location: r.location,
    site_id: r.site_id,
    meta: JSON.parse(r.meta) as Record<string, unknown>,
    parent_id: r.parent_id ?? null,
    mac_address: r.mac_address ?? null,
    credential_id: r.credential_id ?? null,
    poe_port: r.uplink_port ?? null,
    status: r.status,
    status_reason: r.status_reason,
    last_seen: iso(r.last_seen),
    last_snapshot_at: iso(r.last_snapshot_at),
    stream: streamFacts(r),
    created_at: iso(r.created_at) as string,
    updated_at: iso(r.updated_at) as string,
  };
}

function invalid(details: ErrorDetail[]): ApiError {
  return new ApiError(
    400,
    'validation_failed',
    `invalid request: ${details.map((d) => d.path).join(', ')}`,
    details,
  );
}

/**
 * Pure: splits `rtsp://user:pass@host:554/path` into a URL without credentials and the credentials
 * (percent-decoded). Throws a 400 naming body.rtsp_url when the URL cannot be parsed.
 */
export function splitRtspUrl(raw: string): {
  url: string;
  host: string;
  username?: string;
  password?: string;
} {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw invalid([{ path: 'body.rtsp_url', message: 'not a valid URL' }]);
  }
  if (!u.hostname) throw invalid([{ path: 'body.rtsp_url', message: 'has no host' }]);
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.username = '';
  u.password = '';
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return { url: u.toString(), host, username, password };
}

/** `rtsps://host:322` of an RTSP URL (scheme, host and port: where the credentials would be sent). */
function rtspOrigin(url: string): string | undefined {
  try {
    const u = new URL(url);
    const scheme = u.protocol.toLowerCase();
    return `${scheme}//${u.hostname.toLowerCase()}:${u.port || (scheme === 'rtsps:' ? '322' : '554')}`;
  } catch {
    return undefined;
  }
}

/**
 * Whether an update points the camera at another target: another IP address, another site, or an RTSP URL on
 * another scheme, host or port. The stored password must then not follow unless the request gives it again,
 * or an operator could have the agent send it to a server of their choosing.
 */
export function cameraTargetMoved(
  before: { ip_address: string; site_id: number; rtsp_url: string },
  input: { ip_address?: string; site_id?: number; rtsp_url?: string },
): boolean {
  return (
    (input.ip_address !== undefined && input.ip_address !== before.ip_address) ||
    (input.site_id !== undefined && input.site_id !== before.site_id) ||
    (input.rtsp_url !== undefined && rtspOrigin(input.rtsp_url) !== rtspOrigin(before.rtsp_url))
  );
}

/** The host when it is an IP address literal. */
export function ipHost(host: string): string | undefined {
  return IpAddress.safeParse(host).success ? host : undefined;
}
