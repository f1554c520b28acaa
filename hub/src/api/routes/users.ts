import { z } from '@hono/zod-openapi';
import { hashCost } from '../../auth/first-run.js';
import { checkPassword, hashPassword } from '../../auth/passwords.js';
import { isStoreError } from '../../store/errors.js';
import type { UserRow } from '../../store/users.js';
import { defineRoute } from '../access.js';
import { ApiError, conflict, notFound, unprocessable } from '../errors.js';
import { userToApi } from '../models/user.js';
import { body, errors, IdParam, json } from '../schemas.js';
import { checkScopeRefs, ScopeSchema } from '../scope.js';
import type { RouteModule } from '../types.js';

const RoleSchema = z.enum(['admin', 'operator', 'viewer']);
export const USERNAME = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, dot, dash and underscore; 1-64 characters');
const Email = z.email().max(254).nullable();

const UserSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    email: z.string().nullable(),
    role: RoleSchema,
    disabled: z.boolean(),
    scope: ScopeSchema.nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    last_login_at: z.string().nullable(),
  })
  .openapi('User');

const CreateUser = z
  .object({
    username: USERNAME,
    email: Email.optional(),
    role: RoleSchema,
    password: z.string().min(1).max(1024),
    scope: ScopeSchema.nullable()
      .optional()
      .openapi({ description: 'Limit to sites and groups (not for admins)' }),
  })
  .strict()
  .openapi('CreateUser');
const UpdateUser = z
  .object({
    email: Email.optional(),
    role: RoleSchema.optional(),
    disabled: z.boolean().optional(),
    password: z.string().min(1).max(1024).optional(),
    scope: ScopeSchema.nullable().optional().openapi({ description: 'null: every site (not for admins)' }),
  })
  .strict()
  .openapi('UpdateUser');

const tags = ['users'];
const list = defineRoute({
  method: 'get',
  path: '/users',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'List users',
  responses: { 200: json(z.object({ users: z.array(UserSchema) }), 'Users'), ...errors(401, 403) },
});
const create = defineRoute({
  method: 'post',
  path: '/users',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Create a user',
  request: { body: body(CreateUser) },
  responses: { 201: json(UserSchema, 'Created'), ...errors(400, 401, 403, 409, 413, 415, 422) },
});
const get = defineRoute({
  method: 'get',
  path: '/users/{id}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'One user',
  request: { params: IdParam },
  responses: { 200: json(UserSchema, 'The user'), ...errors(400, 401, 403, 404) },
});
const update = defineRoute({
  method: 'put',
  path: '/users/{id}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Change role, email, disabled or password (a password or role change ends their sessions)',
  request: { params: IdParam, body: body(UpdateUser) },
  responses: { 200: json(UserSchema, 'Updated'), ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
});
const remove = defineRoute({
  method: 'delete',
  path: '/users/{id}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Delete a user',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(400, 401, 403, 404, 409) },
});

/** Scoped users are never admins (hub README, Tenants): admins manage hub-wide things. */
function adminScoped(): ApiError {
  return unprocessable('an admin cannot be limited to sites', [
    { path: 'body.scope', message: 'admins see every site: give the user the operator or viewer role' },
  ]);
}

function weak(problem: string): ApiError {
  return new ApiError(422, 'weak_password', `password ${problem}`, [
    { path: 'body.password', message: problem },
  ]);
}

export const usersRoutes: RouteModule = {
  name: 'users',
  register(app, hub) {
    const policy = () => ({ minLength: hub.config.passwordMinLength });
    const { users, scopes } = hub.store;
    const withScope = async (row: UserRow) => userToApi(row, await scopes.get({ user_id: row.id }));

    app.openapi(list, async (c) => {
      const rows = await users.list();
      return c.json({ users: await Promise.all(rows.map(withScope)) }, 200);
    });

    app.openapi(create, async (c) => {
      const input = c.req.valid('json');
      const problem = checkPassword(input.password, input.username, policy());
      if (problem) throw weak(problem);
      const scope = input.scope ?? null;
      if (scope && input.role === 'admin') throw adminScoped();
      if (scope) await checkScopeRefs(hub.store, scope, 'body.scope');
      if (await users.byName(input.username)) throw conflict(`user ${input.username} exists`);
      const hash = await hashPassword(input.password, hashCost(hub));
      const row = await hub.store
        .unit(async (tx) => {
          const u = await tx.users.insert(
            { username: input.username, email: input.email, role: input.role, password_hash: hash },
            hub.clock(),
          );
          if (scope) await tx.scopes.set({ user_id: u.id }, scope);
          return u;
        })
        .catch((err) => {
          throw isStoreError(err, 'conflict') ? conflict(`user ${input.username} exists`) : err;
        });
      c.set('auditTarget', { type: 'user', id: row.id });
      c.set('auditDetails', { username: row.username, role: row.role, scope });
      return c.json(userToApi(row, scope), 201);
    });

    app.openapi(get, async (c) => {
      const { id } = c.req.valid('param');
      const row = await users.get(id);
      if (!row) throw notFound('user', id);
      return c.json(await withScope(row), 200);
    });

    app.openapi(update, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const row = await users.get(id);
      if (!row) throw notFound('user', id);
      const losesAdmin =
        row.role === 'admin' &&
        !row.disabled &&
        ((input.role && input.role !== 'admin') || input.disabled === true);
      if (losesAdmin && (await users.countActiveAdmins()) <= 1)
        throw conflict('the last active admin cannot be demoted or disabled');
      const before = await scopes.get({ user_id: id });
      const scope = input.scope === undefined ? before : input.scope;
      if (scope && (input.role ?? row.role) === 'admin') throw adminScoped();
      if (input.scope) await checkScopeRefs(hub.store, input.scope, 'body.scope');
      let hash: string | undefined;
      if (input.password !== undefined) {
        const problem = checkPassword(input.password, row.username, policy());
        if (problem) throw weak(problem);
        hash = await hashPassword(input.password, hashCost(hub));
      }
      const now = hub.clock();
      const updated = await hub.store.unit(async (tx) => {
        const u = await tx.users.update(
          id,
          { email: input.email, role: input.role, disabled: input.disabled },
          now,
        );
        if (hash) await tx.users.setPasswordHash(id, hash, now);
        if (input.scope !== undefined) await tx.scopes.set({ user_id: id }, input.scope);
        if (hash || input.disabled || (input.role && input.role !== row.role))
          await tx.sessions.revokeUser(id, now);
        return u;
      });
      c.set('auditDetails', { fields: Object.keys(input) });
      // Streams and live views opened by this user end (or re-check) at once.
      if (input.disabled) hub.events.emit('user.changed', { user_id: id, change: 'disabled' });
      else if (hash) hub.events.emit('user.changed', { user_id: id, change: 'password' });
      else if (input.role && input.role !== row.role)
        hub.events.emit('user.changed', { user_id: id, change: 'role' });
      else if (input.scope !== undefined) hub.events.emit('user.changed', { user_id: id, change: 'scope' });
      return c.json(userToApi(updated ?? row, scope), 200);
    });

    app.openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const row = await users.get(id);
      if (!row) throw notFound('user', id);
      if (row.role === 'admin' && !row.disabled && (await users.countActiveAdmins()) <= 1) {
        throw conflict('the last active admin cannot be deleted');
      }
      await users.delete(id);
      hub.events.emit('user.changed', { user_id: id, change: 'deleted' });
      c.set('auditDetails', { username: row.username });
      return c.body(null, 204);
    });
  },
};
