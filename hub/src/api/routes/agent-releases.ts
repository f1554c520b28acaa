import { z } from '@hono/zod-openapi';
import { releaseKeyId } from '@outpost/protocol';
import { checkAgentCredentials } from '../../auth/agent-credentials.js';
import { checkUpload, ReleaseUploadError } from '../../rollouts/releases.js';
import { isStoreError } from '../../store/errors.js';
import type { ReleaseRow } from '../../store/releases.js';
import { API_PREFIX, defineRoute, registerRaw } from '../access.js';
import { ApiError, conflict, notFound } from '../errors.js';
import { errors, iso, json } from '../schemas.js';
import type { RouteModule } from '../types.js';

/** Where bundles are uploaded (it has its own body limit: releaseMaxBytes). */
export const RELEASE_UPLOAD_PATH = `${API_PREFIX}/agent-releases`;

const ReleaseSchema = z
  .object({
    version: z.string(),
    sha256: z.string(),
    size: z.number().int(),
    node: z.string().openapi({ description: 'The Node.js versions it runs on' }),
    key_id: z.string().openapi({ description: 'The release key that signed it' }),
    uploaded_at: z.string(),
    uploaded_by: z.number().int().nullable(),
    download_path: z.string(),
  })
  .openapi('AgentRelease');

const VersionParam = z.object({
  version: z
    .string()
    .regex(/^[0-9A-Za-z.+-]{1,64}$/, 'must be a release version such as 1.4.0')
    .openapi({ param: { name: 'version', in: 'path' }, example: '1.4.0' }),
});

const tags = ['fleet upgrades'];
const list = defineRoute({
  method: 'get',
  path: '/agent-releases',
  access: 'operator',
  site: 'refuse',
  tags,
  summary:
    'Agent releases this hub serves, newest upload first, and the release key they must be signed with',
  responses: {
    200: json(
      z.object({
        release_key: z.object({ configured: z.boolean(), key_id: z.string().nullable() }),
        releases: z.array(ReleaseSchema),
      }),
      'Releases',
    ),
    ...errors(401, 403),
  },
});
const get = defineRoute({
  method: 'get',
  path: '/agent-releases/{version}',
  access: 'operator',
  site: 'refuse',
  tags,
  summary: 'One release',
  request: { params: VersionParam },
  responses: { 200: json(ReleaseSchema, 'The release'), ...errors(400, 401, 403, 404) },
});
const remove = defineRoute({
  method: 'delete',
  path: '/agent-releases/{version}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Delete a release (refused while a rollout names it; finished rollouts keep it as history)',
  request: { params: VersionParam },
  responses: { 204: { description: 'Deleted' }, ...errors(400, 401, 403, 404, 409) },
});

const toApi = (r: ReleaseRow) => ({
  version: r.version,
  sha256: r.sha256,
  size: r.size,
  node: r.node,
  key_id: r.key_id,
  uploaded_at: iso(r.uploaded_at) as string,
  uploaded_by: r.uploaded_by,
  download_path: `${API_PREFIX}/agent-releases/${r.version}/download`,
});

/** Reads `Authorization: Basic base64(agent_id:secret)`. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = header ? /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header) : null;
  if (!m) return undefined;
  const text = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon > 0 ? { id: text.slice(0, colon), secret: text.slice(colon + 1) } : undefined;
}

export const agentReleasesRoutes: RouteModule = {
  name: 'agent-releases',
  register(app, hub) {
    const { releases, rollouts } = hub.store;

    app.openapi(list, async (c) => {
      const key = hub.config.releasePublicKey;
      return c.json(
        {
          release_key: { configured: key !== undefined, key_id: key ? releaseKeyId(key) : null },
          releases: (await releases.list()).map(toApi),
        },
        200,
      );
    });

    registerRaw(
      app,
      {
        method: 'post',
        path: RELEASE_UPLOAD_PATH,
        access: 'admin',
        site: 'refuse',
        tags,
        summary:
          'Upload a signed agent bundle (multipart/form-data: `bundle`, the .tgz from agent/deploy/build.mjs --release, ' +
          'and `signature`, its .sig from `outpost-hub release sign`). Checked against the release key before it is kept',
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['bundle', 'signature'],
                properties: {
                  bundle: { type: 'string', format: 'binary' },
                  signature: { type: 'string', format: 'binary' },
                },
              },
            },
          },
        },
        responses: {
          201: json(ReleaseSchema, 'Stored'),
          ...errors(400, 401, 403, 409, 413, 415, 422),
        },
      },
      async (c) => {
        if (!/^multipart\/form-data/i.test(c.req.header('content-type') ?? ''))
          throw new ApiError(
            415,
            'unsupported_media_type',
            'send multipart/form-data with the fields bundle and signature',
          );
        const form = await c.req.parseBody().catch(() => {
          throw new ApiError(400, 'validation_failed', 'the multipart body cannot be read');
        });
        const missing = (['bundle', 'signature'] as const).filter((f) => !(form[f] instanceof File));
        if (missing.length > 0)
          throw new ApiError(
            400,
            'validation_failed',
            `invalid request: ${missing.map((f) => `body.${f}`).join(', ')}`,
            missing.map((f) => ({ path: `body.${f}`, message: 'required: a file' })),
          );
        const bytes = new Uint8Array(await (form.bundle as File).arrayBuffer());
        const signature = await (form.signature as File).text();
        let row: ReleaseRow;
        try {
          row = checkUpload(
            bytes,
            signature,
            hub.config.releasePublicKey,
            c.var.user?.id ?? null,
            hub.clock(),
          );
        } catch (err) {
          if (!(err instanceof ReleaseUploadError)) throw err;
          throw new ApiError(422, 'release_refused', err.message, [
            { path: `body.${err.field}`, message: err.message },
          ]);
        }
        await releases.insert(row, bytes).catch((err: unknown) => {
          throw isStoreError(err, 'conflict') ? conflict(`release ${row.version} is already stored`) : err;
        });
        c.set('auditTarget', { type: 'agent_release', id: row.version });
        c.set('auditDetails', {
          version: row.version,
          sha256: row.sha256,
          size: row.size,
          key_id: row.key_id,
        });
        hub.logger.info({ version: row.version, size: row.size, key_id: row.key_id }, 'agent release stored');
        return c.json(toApi(row), 201);
      },
    );

    app.openapi(get, async (c) => {
      const { version } = c.req.valid('param');
      const row = await releases.get(version);
      if (!row) throw notFound('release', version);
      return c.json(toApi(row), 200);
    });

    app.openapi(remove, async (c) => {
      const { version } = c.req.valid('param');
      if (!(await releases.get(version))) throw notFound('release', version);
      if (await rollouts.usesVersion(version))
        throw conflict(`release ${version} is named by a rollout; it is kept as that rollout's history`);
      await releases.delete(version);
      return c.body(null, 204);
    });

    registerRaw(
      app,
      {
        method: 'get',
        path: `${API_PREFIX}/agent-releases/{version}/download`,
        access: 'public',
        tags,
        summary:
          "The bundle (application/gzip), for agents: authenticated with the agent's own id and secret (HTTP Basic), " +
          'refused to unknown and revoked agents',
        responses: {
          200: {
            description: 'The bundle',
            content: { 'application/gzip': { schema: { type: 'string', format: 'binary' } } },
          },
          401: { description: 'No or wrong agent credentials' },
          404: { description: 'No such release' },
        },
      },
      async (c) => {
        const creds = basicCredentials(c.req.header('authorization'));
        const check = creds
          ? await checkAgentCredentials(hub.store.agents, creds.id, creds.secret)
          : undefined;
        if (!check?.ok)
          throw new ApiError(
            401,
            'unauthorized',
            check?.reason === 'revoked'
              ? 'this agent was revoked'
              : 'agent credentials required (Basic agent_id:secret)',
            undefined,
            { 'WWW-Authenticate': 'Basic realm="outpost agents", charset="UTF-8"' },
          );
        const version = c.req.param('version') ?? '';
        const row = await releases.get(version);
        const content = row ? await releases.content(version) : undefined;
        if (!row || !content) throw notFound('release', version);
        hub.logger.info({ agent: check.agent.id, version }, 'agent release downloaded');
        return c.body(new Uint8Array(content), 200, {
          'content-type': 'application/gzip',
          'content-length': String(content.length),
          'content-disposition': `attachment; filename="outpost-agent-${row.version}.tgz"`,
          'x-content-sha256': row.sha256,
          'cache-control': 'no-store',
        });
      },
    );
  },
};
