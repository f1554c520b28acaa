import { z } from '@hono/zod-openapi';
import { newApiKey, roleRank } from '../../auth/api-keys.js';
import { type ApiKeyRow, keyScope } from '../../store/api-keys.js';
import { isStoreError } from '../../store/errors.js';
import type { SiteScope } from '../../store/tenancy.js';
import { defineRoute } from '../access.js';
import { forbidden, notFound, unprocessable } from '../errors.js';
import { body, errors, IdParam, Instant, iso, json, name } from '../schemas.js';
import { checkScopeRefs, checkWithin, ScopeSchema } from '../scope.js';
import type { RouteModule } from '../types.js';

const RoleSchema = z.enum(['admin', 'operator', 'viewer']);

const ApiKeySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    user_id: z.number().int(),
    username: z.string().nullable(),
    role: RoleSchema,
    site_id: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'The one site the key was created for with site_id, or null (see scope)' }),
    scope: ScopeSchema.nullable().openapi({
      description: 'The sites and site groups the key is limited to (also by its user scope, now), or null',
    }),
    prefix: z.string().openapi({ description: 'The first characters of the key, to recognise it' }),
    created_at: z.string(),
    expires_at: z.string().nullable(),
    last_used_at: z.string().nullable().openapi({ description: 'Recorded at most once a minute' }),
    revoked_at: z.string().nullable(),
    state: z.enum(['active', 'expired', 'revoked']),
  })
  .openapi('ApiKey');

const NewApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The key: shown this once, the hub keeps only its hash' }),
}).openapi('NewApiKey');

const CreateApiKey = z
  .object({
    name: name(),
    role: RoleSchema.optional().openapi({ description: 'Defaults to your role; never higher than it' }),
    site_id: z.number().int().positive().nullable().optional().openapi({
      description: 'Limit the key to this site: it sees and changes only what belongs to it',
    }),
    scope: ScopeSchema.nullable()
      .optional()
      .openapi({
        description:
          'Limit the key to these sites and site groups (with site_id: that site too). A user limited to some ' +
          'sites must limit their keys to sites and groups of their own scope. A limited key is never an admin.',
      }),
    expires_at: Instant.nullable()
      .optional()
      .openapi({ description: 'When the key stops working (none: never)' }),
  })
  .strict()
  .openapi('CreateApiKey');

const ListQuery = z
  .object({
    all: z
      .enum(['true', 'false'])
      .optional()
      .openapi({ description: "Admins: every user's keys (default: your own)" }),
  })
  .strict();

const tags = ['api-keys'];
const list = defineRoute({
  method: 'get',
  path: '/api-keys',
  access: 'viewer',
  site: 'none',
  tags,
  summary: "Your API keys (admins: everyone's with all=true); never the keys themselves",
  request: { query: ListQuery },
  responses: {
    200: json(z.object({ api_keys: z.array(ApiKeySchema) }), 'API keys'),
    ...errors(400, 401, 403),
  },
});
const create = defineRoute({
  method: 'post',
  path: '/api-keys',
  access: 'viewer',
  site: 'none',
  sessionOnly: true,
  tags,
  summary:
    'Create an API key for yourself (role no higher than yours, optionally limited to sites and site groups, optionally ' +
    'expiring). The answer holds the key, shown this once; send it as Authorization: Bearer <key>',
  request: { body: body(CreateApiKey) },
  responses: { 201: json(NewApiKeySchema, 'Created'), ...errors(400, 401, 403, 413, 415, 422) },
});
const revoke = defineRoute({
  method: 'delete',
  path: '/api-keys/{id}',
  access: 'viewer',
  site: 'none',
  tags,
  summary: "Revoke an API key (yours; admins: anyone's). It stops working at once",
  request: { params: IdParam },
  responses: { 204: { description: 'Revoked' }, ...errors(400, 401, 403, 404) },
});

export function apiKeyToApi(k: ApiKeyRow, username: string | null, now: number, scope: SiteScope | null) {
  return {
    id: k.id,
    name: k.name,
    user_id: k.user_id,
    username,
    role: k.role,
    site_id: k.site_id,
    scope,
    prefix: k.prefix,
    created_at: iso(k.created_at) as string,
    expires_at: iso(k.expires_at),
    last_used_at: iso(k.last_used_at),
    revoked_at: iso(k.revoked_at),
    state:
      k.revoked_at !== null ? 'revoked' : k.expires_at !== null && k.expires_at <= now ? 'expired' : 'active',
  } as const;
}

export const apiKeysRoutes: RouteModule = {
  name: 'api-keys',
  register(app, hub) {
    const { apiKeys, users, scopes } = hub.store;
    const names = async (rows: ApiKeyRow[]) => {
      const ids = [...new Set(rows.map((r) => r.user_id))];
      const found = await Promise.all(ids.map((id) => users.get(id)));
      return new Map(ids.map((id, i) => [id, found[i]?.username ?? null]));
    };

    app.openapi(list, async (c) => {
      const me = c.var.user!;
      const all = c.req.valid('query').all === 'true';
      if (all && me.role !== 'admin') throw forbidden("only admins see other users' keys");
      const rows = await apiKeys.list(all ? {} : { user_id: me.id });
      const by = await names(rows);
      const now = hub.clock();
      const keys = await Promise.all(
        rows.map(async (k) =>
          apiKeyToApi(k, by.get(k.user_id) ?? null, now, await scopes.get({ api_key_id: k.id })),
        ),
      );
      return c.json({ api_keys: keys }, 200);
    });

    app.openapi(create, async (c) => {
      const me = c.var.user!;
      const input = c.req.valid('json');
      const siteId = input.site_id ?? null;
      const scope = keyScope({ site_id: siteId, scope: input.scope ?? null });
      // A principal limited to sites is never an admin: such a key defaults to operator at most.
      const role = input.role ?? (scope && me.role === 'admin' ? 'operator' : me.role);
      if (roleRank(role) > roleRank(me.role))
        throw forbidden(`role ${role} is above yours (${me.role}): a key cannot do more than its user`);
      if (scope && role === 'admin')
        throw unprocessable('a key limited to sites cannot have the admin role', [
          { path: 'body.role', message: 'use operator or viewer, or no scope' },
        ]);
      const mine = me.sites && {
        sites: me.sites,
        groups: (await scopes.get({ user_id: me.id }))?.groups ?? [],
      };
      checkWithin(scope, mine, 'body.scope');
      if (siteId !== null && !(await hub.store.sites.get(siteId)))
        throw unprocessable('no such site', [
          { path: 'body.site_id', message: `site ${siteId} does not exist` },
        ]);
      if (scope) await checkScopeRefs(hub.store, scope, 'body.scope');
      const now = hub.clock();
      const expiresAt = input.expires_at ?? null;
      if (expiresAt !== null && expiresAt <= now)
        throw unprocessable('expires_at is in the past', [
          { path: 'body.expires_at', message: 'must be in the future' },
        ]);
      const material = newApiKey();
      const row = await apiKeys
        .insert({
          user_id: me.id,
          name: input.name,
          role,
          site_id: siteId,
          scope,
          prefix: material.prefix,
          key_hash: material.hash,
          created_at: now,
          expires_at: expiresAt,
        })
        .catch((err) => {
          if (isStoreError(err, 'reference'))
            throw unprocessable('no such site', [
              { path: 'body.site_id', message: `site ${siteId} does not exist` },
            ]);
          throw err;
        });
      c.set('auditTarget', { type: 'api_key', id: row.id });
      c.set('auditDetails', { name: row.name, role, scope, expires_at: iso(expiresAt) });
      return c.json({ ...apiKeyToApi(row, me.username, now, scope), key: material.key }, 201);
    });

    app.openapi(revoke, async (c) => {
      const me = c.var.user!;
      const { id } = c.req.valid('param');
      const row = await apiKeys.get(id);
      // Someone else's key is "not found" to a non-admin: ids of other users' keys are not revealed.
      if (!row || (row.user_id !== me.id && me.role !== 'admin')) throw notFound('API key', id);
      await apiKeys.revoke(id, hub.clock());
      c.set('auditDetails', { name: row.name, user_id: row.user_id });
      return c.body(null, 204);
    });
  },
};
