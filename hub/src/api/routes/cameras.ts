import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { poeCause } from '../../alerts/causes/poe.js';
import type { Role } from '../../auth/roles.js';
import { siteNetworks } from '../../net/site-networks.js';
import { CAMERA_SORTS, type CameraRecord, type CameraRow } from '../../store/cameras.js';
import { API_PREFIX, defineRoute } from '../access.js';
import { ApiError, notFound, unprocessable } from '../errors.js';
import {
  CAMERA_STATUSES,
  CameraSchema,
  CreateCamera,
  cameraTargetMoved,
  cameraToApi,
  ipHost,
  StreamSchema,
  splitRtspUrl,
  streamFacts,
  UpdateCamera,
} from '../models/camera.js';
import { requireCredentialUse } from '../models/credential.js';
import { body, errors, IdParam, iso, json, PageQuery, PaginationSchema, pagination } from '../schemas.js';
import { inCallerScope, requireInScope, siteFilterFor } from '../site-scope.js';
import type { HubEnv, RouteModule } from '../types.js';

const StatusCounts = z
  .object({
    total: z.number().int(),
    online: z.number().int(),
    offline: z.number().int(),
    degraded: z.number().int(),
    unknown: z.number().int(),
    by_status: z.record(z.string(), z.number().int()),
  })
  .openapi('CameraStatusCounts');

const StreamInfo = z
  .object({
    camera_id: z.number().int(),
    name: z.string(),
    status: z.string(),
    status_reason: z.string().nullable(),
    stream: StreamSchema.nullable(),
    last_snapshot_at: z.string().nullable(),
    snapshot_url: z.string().openapi({ description: 'Latest JPEG (authenticated GET)' }),
    live_url: z.string().openapi({ description: 'WebSocket live view (fMP4, or MJPEG fallback)' }),
  })
  .openapi('CameraStreamInfo');

const ListQuery = z
  .object({
    status: z.enum(CAMERA_STATUSES).optional(),
    site_id: z.coerce.number().int().positive().optional(),
    q: z.string().max(200).optional(),
    sort: z.enum(CAMERA_SORTS).default('name'),
    order: z.enum(['asc', 'desc']).default('asc'),
    ...PageQuery,
  })
  .strict();

const tags = ['cameras'];
const list = defineRoute({
  method: 'get',
  path: '/cameras',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'List cameras (filters, pagination, sorting)',
  request: { query: ListQuery },
  responses: {
    200: json(
      z.object({ cameras: z.array(CameraSchema), pagination: PaginationSchema }),
      'A page of cameras',
    ),
    ...errors(400, 401),
  },
});
const status = defineRoute({
  method: 'get',
  path: '/cameras/status',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'How many cameras are in each status',
  request: { query: z.object({ site_id: z.coerce.number().int().positive().optional() }).strict() },
  responses: { 200: json(StatusCounts, 'Counts'), ...errors(400, 401) },
});
const create = defineRoute({
  method: 'post',
  path: '/cameras',
  access: 'operator',
  site: 'own',
  tags,
  summary: 'Add a camera (credentials in rtsp_url are split out and stored encrypted)',
  request: { body: body(CreateCamera) },
  responses: { 201: json(CameraSchema, 'Created'), ...errors(400, 401, 403, 413, 415, 422) },
});
const get = defineRoute({
  method: 'get',
  path: '/cameras/{id}',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'One camera',
  request: { params: IdParam },
  responses: { 200: json(CameraSchema, 'The camera'), ...errors(400, 401, 404) },
});
const stream = defineRoute({
  method: 'get',
  path: '/cameras/{id}/stream',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'What a client needs to show the camera: stream facts, snapshot and live view URLs',
  request: { params: IdParam },
  responses: { 200: json(StreamInfo, 'Stream info'), ...errors(400, 401, 404) },
});
const update = defineRoute({
  method: 'put',
  path: '/cameras/{id}',
  access: 'operator',
  site: 'own',
  tags,
  summary:
    'Update a camera (only the fields given; password: null removes it). A new ip_address, site_id or RTSP ' +
    'scheme, host or port clears the stored password (has_password false) unless it is given again',
  request: { params: IdParam, body: body(UpdateCamera) },
  responses: { 200: json(CameraSchema, 'Updated'), ...errors(400, 401, 403, 404, 413, 415, 422) },
});
const remove = defineRoute({
  method: 'delete',
  path: '/cameras/{id}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Delete a camera and its history',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(400, 401, 403, 404) },
});

export const camerasRoutes: RouteModule = {
  name: 'cameras',
  register(app, hub) {
    const { cameras } = hub.store;
    // A site or parent outside a scoped caller's sites is "no such" one, like one that does not exist.
    const requireSite = async (c: Context<HubEnv>, siteId: number) => {
      if (!inCallerScope(c, siteId) || !(await hub.store.sites.get(siteId))) {
        throw unprocessable(`site ${siteId} does not exist`, [
          { path: 'body.site_id', message: 'no such site' },
        ]);
      }
    };
    /** A camera login of the site's or a global set; 422 naming the field otherwise. */
    const requireCredential = async (
      credentialId: number | null | undefined,
      siteId: number,
      /** Who makes a new reference, and the camera's target; absent when an unchanged reference is kept. */
      caller?: { role: Role | undefined; ip: string; rtspUrl: string },
    ) => {
      if (!credentialId) return;
      const detail = (message: string) =>
        unprocessable(`credential_id ${credentialId}: ${message}`, [{ path: 'body.credential_id', message }]);
      const row = await hub.store.credentials.entry(credentialId);
      if (!row || row.kind !== 'camera') throw detail('no camera credential with this id');
      const set = await hub.store.credentials.getSet(row.set_id);
      if (set && set.site_id !== null && set.site_id !== siteId) throw detail('belongs to another site');
      if (caller)
        requireCredentialUse(
          {
            role: caller.role,
            setSiteId: set?.site_id ?? null,
            targets: [
              { field: 'ip_address', host: caller.ip },
              { field: 'rtsp_url', host: splitRtspUrl(caller.rtspUrl).host },
            ],
          },
          siteNetworks(hub.config),
        );
    };
    const requireParentDevice = async (parentId: number | null | undefined, siteId: number) => {
      if (!parentId) return;
      const parent = await hub.store.devices.get(parentId);
      if (!parent || parent.site_id !== siteId)
        throw unprocessable(`parent_id ${parentId}: no such device at this site`, [
          { path: 'body.parent_id', message: 'no such device at this site' },
        ]);
    };
    const seal = (password: string | null | undefined) =>
      password === undefined ? undefined : password === null ? null : hub.secrets.encrypt(password);

    app.openapi(list, async (c) => {
      const q = c.req.valid('query');
      const { rows, total } = await cameras.list(
        { ...q, site_id: siteFilterFor(c, q.site_id) },
        q.sort,
        q.order,
        q.page,
        q.per_page,
      );
      return c.json(
        { cameras: rows.map(cameraToApi), pagination: pagination(q.page, q.per_page, total) },
        200,
      );
    });

    app.openapi(status, async (c) => {
      const by = await cameras.statusCounts(siteFilterFor(c, c.req.valid('query').site_id));
      const total = Object.values(by).reduce((a, b) => a + b, 0);
      const n = (k: string) => by[k] ?? 0;
      const known = n('online') + n('offline') + n('degraded');
      return c.json(
        {
          total,
          online: n('online'),
          offline: n('offline'),
          degraded: n('degraded'),
          unknown: total - known,
          by_status: by,
        },
        200,
      );
    });

    app.openapi(create, async (c) => {
      const input = c.req.valid('json');
      await requireSite(c, input.site_id);
      await requireParentDevice(input.parent_id, input.site_id);
      const split = splitRtspUrl(input.rtsp_url);
      const ip = input.ip_address ?? ipHost(split.host);
      if (!ip) {
        throw new ApiError(400, 'validation_failed', 'invalid request: body.ip_address', [
          { path: 'body.ip_address', message: 'required when the rtsp_url host is a name' },
        ]);
      }
      await requireCredential(input.credential_id, input.site_id, {
        role: c.var.user?.role,
        ip,
        rtspUrl: split.url,
      });
      const record: CameraRecord = {
        name: input.name,
        ip_address: ip,
        rtsp_url: split.url,
        username: input.username ?? split.username ?? null,
        password_secret: seal(input.password ?? split.password) ?? null,
        location: input.location ?? null,
        site_id: input.site_id,
        meta: JSON.stringify(input.meta),
        parent_id: input.parent_id ?? null,
        mac_address: input.mac_address ?? null,
        credential_id: input.credential_id ?? null,
        uplink_port: input.poe_port ?? null,
      };
      const row = await cameras.insert(record, hub.clock());
      c.set('auditTarget', { type: 'camera', id: row.id });
      c.set('auditSite', row.site_id);
      c.set('auditTarget', { type: 'camera', id: row.id });
      hub.events.emit('inventory.changed', {
        site_id: row.site_id,
        kind: 'camera',
        id: row.id,
        change: 'created',
      });
      return c.json(cameraToApi(row), 201);
    });

    app.openapi(get, async (c) => {
      const { id } = c.req.valid('param');
      const row = await cameras.get(id);
      if (!row) throw notFound('camera', id);
      requireInScope(c, 'camera', id, row.site_id);
      return c.json({ ...cameraToApi(row), likely_cause: await likelyCause(row) }, 200);
    });

    /** Why a camera that is not online likely went away (its PoE port stopped delivering power), or null. */
    const likelyCause = async (row: CameraRow) => {
      if (row.status === 'online' || row.status === 'unknown' || row.parent_id === null || !row.uplink_port)
        return null;
      const parent = await hub.store.devices.get(row.parent_id);
      const cause = await poeCause(
        hub.store.series,
        { parent_id: row.parent_id, poe_port: row.uplink_port, offline_at: row.last_seen ?? row.updated_at },
        parent?.name ?? `device ${row.parent_id}`,
        hub.clock(),
      );
      return cause ? { ...cause, since: iso(cause.since) as string } : null;
    };

    app.openapi(stream, async (c) => {
      const { id } = c.req.valid('param');
      const row = await cameras.get(id);
      if (!row) throw notFound('camera', id);
      requireInScope(c, 'camera', id, row.site_id);
      return c.json(
        {
          camera_id: row.id,
          name: row.name,
          status: row.status,
          status_reason: row.status_reason,
          stream: streamFacts(row),
          last_snapshot_at: iso(row.last_snapshot_at),
          snapshot_url: `${API_PREFIX}/cameras/${row.id}/snapshot`,
          live_url: `${API_PREFIX}/cameras/${row.id}/live`,
        },
        200,
      );
    });

    app.openapi(update, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const before = await cameras.get(id);
      if (!before) throw notFound('camera', id);
      requireInScope(c, 'camera', id, before.site_id);
      if (input.site_id !== undefined) await requireSite(c, input.site_id);
      const target = {
        ...input,
        rtsp_url: input.rtsp_url === undefined ? undefined : splitRtspUrl(input.rtsp_url).url,
      };
      // Checked when this request makes the reference (an unchanged one at the same target is kept).
      await requireCredential(
        input.credential_id,
        input.site_id ?? before.site_id,
        input.credential_id !== undefined &&
          (input.credential_id !== before.credential_id || cameraTargetMoved(before, target))
          ? {
              role: c.var.user?.role,
              ip: input.ip_address ?? before.ip_address,
              rtspUrl: target.rtsp_url ?? before.rtsp_url,
            }
          : undefined,
      );
      await requireParentDevice(input.parent_id, input.site_id ?? before.site_id);
      const patch: Partial<CameraRecord> = {
        name: input.name,
        ip_address: input.ip_address,
        username: input.username,
        password_secret: seal(input.password),
        location: input.location,
        site_id: input.site_id,
        meta: input.meta === undefined ? undefined : JSON.stringify(input.meta),
        parent_id: input.parent_id,
        mac_address: input.mac_address,
        credential_id: input.credential_id,
        uplink_port: input.poe_port,
      };
      if (input.rtsp_url !== undefined) {
        const split = splitRtspUrl(input.rtsp_url);
        patch.rtsp_url = split.url;
        if (input.username === undefined && split.username !== undefined) patch.username = split.username;
        if (input.password === undefined && split.password !== undefined)
          patch.password_secret = seal(split.password);
      }
      // Another address, site or RTSP server drops the stored password unless this request gives it again.
      const cleared =
        patch.password_secret === undefined &&
        before.password_secret !== null &&
        cameraTargetMoved(before, { ...input, rtsp_url: patch.rtsp_url });
      if (cleared) patch.password_secret = null;
      // A camera login reference does not follow the camera to another server unless given again.
      if (
        input.credential_id === undefined &&
        before.credential_id !== null &&
        cameraTargetMoved(before, { ...input, rtsp_url: patch.rtsp_url })
      )
        patch.credential_id = null;
      const row = await cameras.update(id, patch, hub.clock());
      if (!row) throw notFound('camera', id);
      c.set('auditDetails', {
        fields: Object.keys(input),
        ...(cleared ? { secrets_cleared: ['password'] } : {}),
      });
      hub.events.emit('inventory.changed', { site_id: row.site_id, kind: 'camera', id, change: 'updated' });
      if (row.site_id !== before.site_id) {
        hub.events.emit('inventory.changed', {
          site_id: before.site_id,
          kind: 'camera',
          id,
          change: 'deleted',
        });
      }
      return c.json(cameraToApi(row), 200);
    });

    app.openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const row = await cameras.get(id);
      if (!row) throw notFound('camera', id);
      await hub.store.unit(async (tx) => {
        await tx.series.deleteTarget('camera', String(id));
        await tx.cameras.delete(id);
      });
      hub.events.emit('inventory.changed', { site_id: row.site_id, kind: 'camera', id, change: 'deleted' });
      return c.body(null, 204);
    });
  },
};
