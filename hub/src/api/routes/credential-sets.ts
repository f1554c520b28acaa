import { z } from '@hono/zod-openapi';
import type { CredentialSetRow } from '../../store/credentials.js';
import { defineRoute } from '../access.js';
import { forbidden, notFound, unprocessable } from '../errors.js';
import {
  CreateCredentialSet,
  CredentialSetSchema,
  credentialSetToApi,
  credentialWrites,
  UpdateCredentialSet,
} from '../models/credential.js';
import { body, errors, IdParam, json, OkSchema } from '../schemas.js';
import type { AuthUser, RouteModule } from '../types.js';

const list = defineRoute({
  method: 'get',
  path: '/credential-sets',
  access: 'viewer',
  site: 'refuse',
  tags: ['credential sets'],
  summary: "Credential sets (a site's and the global ones with site_id; all without), secrets never shown",
  request: { query: z.object({ site_id: z.coerce.number().int().positive().optional() }) },
  responses: { 200: json(z.object({ sets: z.array(CredentialSetSchema) }), 'Sets'), ...errors(400, 401) },
});

const getOne = defineRoute({
  method: 'get',
  path: '/credential-sets/{id}',
  access: 'viewer',
  site: 'refuse',
  tags: ['credential sets'],
  summary: 'One credential set, with how many devices and cameras use each credential',
  request: { params: IdParam },
  responses: { 200: json(CredentialSetSchema, 'The set'), ...errors(400, 401, 404) },
});

const create = defineRoute({
  method: 'post',
  path: '/credential-sets',
  access: 'operator',
  site: 'refuse',
  tags: ['credential sets'],
  summary: "Create a site's credential set (operator) or a global one (site_id null: admin)",
  request: { body: body(CreateCredentialSet) },
  responses: { 201: json(CredentialSetSchema, 'Created'), ...errors(400, 401, 403, 409, 422) },
});

const update = defineRoute({
  method: 'put',
  path: '/credential-sets/{id}',
  access: 'operator',
  site: 'refuse',
  tags: ['credential sets'],
  summary:
    'Rename a set or replace its lists (entries given with their id keep omitted secrets and references)',
  request: { params: IdParam, body: body(UpdateCredentialSet) },
  responses: { 200: json(CredentialSetSchema, 'Updated'), ...errors(400, 401, 403, 404, 409) },
});

const remove = defineRoute({
  method: 'delete',
  path: '/credential-sets/{id}',
  access: 'operator',
  site: 'refuse',
  tags: ['credential sets'],
  summary: 'Delete a set; devices and cameras referencing its credentials lose the reference',
  request: { params: IdParam },
  responses: { 200: json(OkSchema, 'Deleted'), ...errors(400, 401, 403, 404) },
});

/** A global set serves every site: only an admin changes one. */
function mayChange(user: AuthUser | undefined, set: { site_id: number | null }): void {
  if (set.site_id === null && user?.role !== 'admin')
    throw forbidden('a global credential set (site_id null) is changed by an admin only');
}

export const credentialSetsRoutes: RouteModule = {
  name: 'credential-sets',
  register(app, hub) {
    const repo = hub.store.credentials;
    const toApi = async (set: CredentialSetRow) =>
      credentialSetToApi(set, await repo.entries([set.id]), hub.secrets, await repo.usage(set.id));
    const requireSet = async (id: number) => {
      const set = await repo.getSet(id);
      if (!set) throw notFound('credential set', id);
      return set;
    };
    const nameTaken = async (siteId: number | null, name: string, except?: number) =>
      (await repo.listSets(siteId)).some(
        (s) => s.id !== except && s.name.toLowerCase() === name.toLowerCase(),
      );
    // The agents' configs carry the sets: a change is pushed like an inventory change.
    const pushed = (set: { site_id: number | null }) =>
      hub.events.emit('inventory.changed', {
        site_id: set.site_id ?? 0,
        kind: 'site',
        id: set.site_id ?? 0,
        change: 'updated',
      });

    app.openapi(list, async (c) => {
      const { site_id } = c.req.valid('query');
      const sets =
        site_id === undefined
          ? await repo.listSets()
          : [...(await repo.listSets(site_id)), ...(await repo.listSets(null))];
      return c.json({ sets: await Promise.all(sets.map(toApi)) }, 200);
    });

    app.openapi(getOne, async (c) => c.json(await toApi(await requireSet(c.req.valid('param').id)), 200));

    app.openapi(create, async (c) => {
      const input = c.req.valid('json');
      const siteId = input.site_id ?? null;
      mayChange(c.var.user, { site_id: siteId });
      if (siteId !== null && !(await hub.store.sites.get(siteId)))
        throw unprocessable(`site ${siteId} does not exist`, [
          { path: 'body.site_id', message: 'no such site' },
        ]);
      if (await nameTaken(siteId, input.name))
        throw unprocessable(`a credential set named "${input.name}" already exists there`, [
          { path: 'body.name', message: 'already used' },
        ]);
      const writes = credentialWrites(hub.secrets, input, []);
      const now = hub.clock();
      const set = await hub.store.unit(async (tx) => {
        const s = await tx.credentials.insertSet({ site_id: siteId, name: input.name }, now);
        await tx.credentials.replaceEntries(s.id, writes, now);
        return s;
      });
      c.set('auditTarget', { type: 'credential_set', id: set.id });
      pushed(set);
      return c.json(await toApi(set), 201);
    });

    app.openapi(update, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const set = await requireSet(id);
      mayChange(c.var.user, set);
      if (input.name !== undefined && (await nameTaken(set.site_id, input.name, id)))
        throw unprocessable(`a credential set named "${input.name}" already exists there`, [
          { path: 'body.name', message: 'already used' },
        ]);
      const current = await repo.entries([id]);
      const keep = (kind: 'snmp' | 'camera') =>
        current
          .filter((e) => e.kind === kind)
          .map((e) => ({ id: e.id, kind, settings: e.settings, secret: e.secret }));
      const snmp =
        input.snmp !== undefined
          ? credentialWrites(hub.secrets, { snmp: input.snmp }, current)
          : keep('snmp');
      const camera =
        input.camera !== undefined
          ? credentialWrites(hub.secrets, { camera: input.camera }, current)
          : keep('camera');
      const now = hub.clock();
      await hub.store.unit(async (tx) => {
        if (input.name !== undefined) await tx.credentials.renameSet(id, input.name, now);
        await tx.credentials.replaceEntries(id, [...snmp, ...camera], now);
      });
      c.set('auditTarget', { type: 'credential_set', id });
      pushed(set);
      return c.json(await toApi(await requireSet(id)), 200);
    });

    app.openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const set = await requireSet(id);
      mayChange(c.var.user, set);
      await repo.deleteSet(id);
      c.set('auditTarget', { type: 'credential_set', id });
      pushed(set);
      return c.json({ ok: true as const }, 200);
    });
  },
};
