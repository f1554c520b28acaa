import { z } from '@hono/zod-openapi';
import { API_PREFIX, defineRoute, registerRaw } from '../access.js';
import { ApiError, notFound } from '../errors.js';
import { errors, IdParam, iso, json } from '../schemas.js';
import { inCallerScope } from '../site-scope.js';
import type { RouteModule } from '../types.js';
import { createJob } from './jobs.js';

const SnapshotInfoSchema = z
  .object({
    id: z.number().int(),
    ts: z.string().openapi({ description: 'When the agent took it' }),
    received_at: z.string(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    bytes: z.number().int(),
    job_id: z.string().nullable(),
    url: z.string().openapi({ description: 'The JPEG (authenticated GET)' }),
  })
  .openapi('CameraSnapshot');

const listSnapshots = defineRoute({
  method: 'get',
  path: '/cameras/{id}/snapshots',
  access: 'viewer',
  site: 'own',
  tags: ['cameras'],
  summary: "The camera's stored snapshots, newest first (the last N, hub option cameraSnapshotsKeep)",
  request: { params: IdParam },
  responses: {
    200: json(z.object({ items: z.array(SnapshotInfoSchema) }), 'Snapshots'),
    ...errors(401, 403, 404),
  },
});

const takeSnapshot = defineRoute({
  method: 'post',
  path: '/cameras/{id}/snapshot',
  access: 'operator',
  site: 'own',
  tags: ['cameras'],
  summary: "Take a snapshot now through the site's agent (a job); the JPEG then appears at GET .../snapshot",
  request: { params: IdParam },
  responses: {
    202: json(z.object({ job_id: z.string() }), 'Job created'),
    ...errors(400, 401, 403, 404, 422),
  },
});

/** `?at=`: epoch milliseconds or ISO 8601. */
function parseAt(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const t = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(t)) {
    throw new ApiError(400, 'validation_failed', 'query.at: must be epoch milliseconds or ISO 8601', [
      { path: 'query.at', message: 'must be epoch milliseconds or ISO 8601' },
    ]);
  }
  return t;
}

/** Camera snapshots: the latest JPEG (or an older one), the list, and taking one now. */
export const cameraSnapshotsRoutes: RouteModule = {
  name: 'camera-snapshots',
  register(app, hub, { link }) {
    const { cameras, snapshots } = hub.store;

    registerRaw(
      app,
      {
        method: 'get',
        path: `${API_PREFIX}/cameras/{id}/snapshot`,
        access: 'viewer',
        site: 'own',
        tags: ['cameras'],
        summary:
          'The latest snapshot as image/jpeg, or with ?at= (epoch ms or ISO 8601) the newest taken at or before it. ' +
          'Token in Authorization, or ?access_token= with a stream token of scope snapshot:{id}',
        queryTokenScope: (p) => `snapshot:${p.id}`,
        responses: {
          200: {
            description: 'The JPEG',
            content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
          },
          400: { description: 'Bad id or at' },
          404: { description: 'No such camera or no snapshot yet' },
        },
      },
      async (c) => {
        const id = Number(c.req.param('id'));
        if (!Number.isInteger(id) || id < 1) {
          throw new ApiError(400, 'validation_failed', 'path.id: must be a positive integer', [
            { path: 'path.id', message: 'must be a positive integer' },
          ]);
        }
        const at = parseAt(c.req.query('at'));
        const site = await cameras.siteOf(id);
        if (site === undefined || !inCallerScope(c, site)) throw notFound('camera', id);
        const snap = await snapshots.latest(id, at);
        if (!snap)
          throw new ApiError(
            404,
            'not_found',
            `camera ${id} has no snapshot${at === undefined ? ' yet' : ` at or before ${new Date(at).toISOString()}`}`,
          );
        return new Response(new Uint8Array(snap.image), {
          status: 200,
          headers: {
            'content-type': 'image/jpeg',
            'content-length': String(snap.image.length),
            'cache-control': 'private, max-age=0, must-revalidate',
            etag: `"snap-${snap.id}"`,
            'last-modified': new Date(snap.ts).toUTCString(),
            'x-snapshot-time': new Date(snap.ts).toISOString(),
            ...(snap.width && snap.height ? { 'x-image-size': `${snap.width}x${snap.height}` } : {}),
          },
        });
      },
    );

    // The live view is a WebSocket upgrade handled by the camera-live service; a plain GET gets 426.
    registerRaw(
      app,
      {
        method: 'get',
        path: `${API_PREFIX}/cameras/{id}/live`,
        access: 'viewer',
        site: 'own',
        tags: ['cameras'],
        summary:
          'Live view (WebSocket upgrade; token in Authorization or ?access_token= with a stream token of scope ' +
          'live:{id}; optional ?format=fmp4|mjpeg): a JSON ' +
          'text message {type:"live", format}, then binary fMP4 boxes (ftyp, moov, then moof/mdat pairs) or one JPEG per message',
        queryTokenScope: (p) => `live:${p.id}`,
        responses: {
          101: { description: 'Switching protocols' },
          426: { description: 'Not a WebSocket request' },
        },
      },
      async (c) => {
        // As the upgrade does (camera-live service): another site's camera is not found.
        const site = await cameras.siteOf(Number(c.req.param('id')));
        if (site === undefined || !inCallerScope(c, site)) throw notFound('camera', c.req.param('id') ?? '');
        throw new ApiError(426, 'upgrade_required', 'connect with a WebSocket to watch the live view');
      },
    );

    app.openapi(listSnapshots, async (c) => {
      const { id } = c.req.valid('param');
      const site = await cameras.siteOf(id);
      if (site === undefined || !inCallerScope(c, site)) throw notFound('camera', id);
      const items = (await snapshots.list(id)).map((s) => ({
        id: s.id,
        ts: iso(s.ts) as string,
        received_at: iso(s.received_at) as string,
        width: s.width,
        height: s.height,
        bytes: s.bytes,
        job_id: s.job_id,
        url: `${API_PREFIX}/cameras/${id}/snapshot?at=${s.ts}`,
      }));
      return c.json({ items }, 200);
    });

    app.openapi(takeSnapshot, async (c) => {
      const { id } = c.req.valid('param');
      const site = await cameras.siteOf(id);
      if (site === undefined || !inCallerScope(c, site)) throw notFound('camera', id);
      const job = await createJob(link, {
        type: 'snapshot',
        args: { camera_id: id },
        site_id: site,
        target_kind: 'camera',
        target_id: id,
        timeout_s: 60,
        created_by: c.var.user?.id ?? null,
      });
      c.set('auditTarget', { type: 'camera', id });
      c.set('auditDetails', { job_id: job.id });
      return c.json({ job_id: job.id }, 202);
    });
  },
};
