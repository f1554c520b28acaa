import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Role } from '../../auth/roles.js';
import { macSearchHex } from '../../fleet/mac.js';
import { snmpSettingsOf } from '../../inventory/credential-sets.js';
import { siteNetworks } from '../../net/site-networks.js';
import { DEVICE_SORTS, type DeviceRecord } from '../../store/devices.js';
import { defineRoute } from '../access.js';
import { notFound, unprocessable } from '../errors.js';
import { requireCredentialUse } from '../models/credential.js';
import {
  CreateDevice,
  DEVICE_STATUS_FILTERS,
  DEVICE_TYPES,
  DeviceSchema,
  deviceTargetMoved,
  deviceToApi,
  encodeSnmp,
  resolveSnmp,
  type SnmpInputT,
  storedSnmp,
  UpdateDevice,
} from '../models/device.js';
import { body, errors, IdParam, json, PageQuery, PaginationSchema, pagination } from '../schemas.js';
import { inCallerScope, requireInScope, siteFilterFor } from '../site-scope.js';
import type { HubEnv, RouteModule } from '../types.js';

const StatusCounts = z
  .object({
    total: z.number().int(),
    online: z.number().int(),
    offline: z.number().int().openapi({ description: 'unreachable + auth_failed' }),
    unreachable: z.number().int(),
    auth_failed: z.number().int(),
    unknown: z.number().int(),
  })
  .openapi('DeviceStatusCounts');

const ListQuery = z
  .object({
    status: z
      .enum(DEVICE_STATUS_FILTERS)
      .optional()
      .openapi({ description: '`offline` means unreachable or auth_failed' }),
    site_id: z.coerce.number().int().positive().optional(),
    device_type: z.enum(DEVICE_TYPES).optional(),
    q: z
      .string()
      .max(200)
      .optional()
      .openapi({ description: 'Search name, IP, sysName, vendor, MAC address' }),
    sort: z.enum(DEVICE_SORTS).default('name'),
    order: z.enum(['asc', 'desc']).default('asc'),
    ...PageQuery,
  })
  .strict();

const tags = ['devices'];
const list = defineRoute({
  method: 'get',
  path: '/devices',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'List devices (filters, pagination, sorting)',
  request: { query: ListQuery },
  responses: {
    200: json(
      z.object({ devices: z.array(DeviceSchema), pagination: PaginationSchema }),
      'A page of devices',
    ),
    ...errors(400, 401),
  },
});
const status = defineRoute({
  method: 'get',
  path: '/devices/status',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'How many devices are online, offline (unreachable or auth_failed), unknown',
  request: { query: z.object({ site_id: z.coerce.number().int().positive().optional() }).strict() },
  responses: { 200: json(StatusCounts, 'Counts'), ...errors(400, 401) },
});
const create = defineRoute({
  method: 'post',
  path: '/devices',
  access: 'operator',
  site: 'own',
  tags,
  summary: 'Add a device',
  request: { body: body(CreateDevice) },
  responses: { 201: json(DeviceSchema, 'Created'), ...errors(400, 401, 403, 413, 415, 422) },
});
const get = defineRoute({
  method: 'get',
  path: '/devices/{id}',
  access: 'viewer',
  site: 'own',
  tags,
  summary: 'One device',
  request: { params: IdParam },
  responses: { 200: json(DeviceSchema, 'The device'), ...errors(400, 401, 404) },
});
const update = defineRoute({
  method: 'put',
  path: '/devices/{id}',
  access: 'operator',
  site: 'own',
  tags,
  summary:
    'Update a device (only the fields given). Omitted SNMP secrets are kept, except when ip_address or site_id ' +
    'changes: then they are cleared (has_community/has_auth_key/has_priv_key false) unless given again',
  request: { params: IdParam, body: body(UpdateDevice) },
  responses: { 200: json(DeviceSchema, 'Updated'), ...errors(400, 401, 403, 404, 413, 415, 422) },
});
const remove = defineRoute({
  method: 'delete',
  path: '/devices/{id}',
  access: 'admin',
  site: 'refuse',
  tags,
  summary: 'Delete a device and its history',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...errors(400, 401, 403, 404) },
});

/** Pure: devices per status as the API reports them; `offline` is unreachable and auth_failed together. */
export function deviceStatusSummary(byStatus: Record<string, number>) {
  const out = { total: 0, online: 0, offline: 0, unreachable: 0, auth_failed: 0, unknown: 0 };
  for (const [status, n] of Object.entries(byStatus)) {
    out.total += n;
    if (status === 'online') out.online += n;
    else if (status === 'unreachable' || status === 'auth_failed') {
      out[status] += n;
      out.offline += n;
    } else out.unknown += n;
  }
  return out;
}

export const devicesRoutes: RouteModule = {
  name: 'devices',
  register(app, hub) {
    const { devices } = hub.store;
    // A site or parent outside a scoped caller's sites is "no such" one, like one that does not exist.
    const requireSite = async (c: Context<HubEnv>, siteId: number) => {
      if (!inCallerScope(c, siteId) || !(await hub.store.sites.get(siteId))) {
        throw unprocessable(`site ${siteId} does not exist`, [
          { path: 'body.site_id', message: 'no such site' },
        ]);
      }
    };
    const requireParent = async (
      c: Context<HubEnv>,
      parentId: number | null | undefined,
      selfId?: number,
    ) => {
      if (parentId === null || parentId === undefined) return;
      const detail = (message: string) =>
        unprocessable(`parent_id ${parentId}: ${message}`, [{ path: 'body.parent_id', message }]);
      if (parentId === selfId) throw detail('a device cannot be its own parent');
      const parent = await devices.get(parentId);
      if (!parent || !inCallerScope(c, parent.site_id)) throw detail('no such device');
      if (selfId !== undefined && (await devices.ancestors(parentId)).includes(selfId))
        throw detail('would create a cycle');
    };

    app.openapi(list, async (c) => {
      const q = c.req.valid('query');
      const filter = {
        ...q,
        site_id: siteFilterFor(c, q.site_id),
        macHex: q.q ? macSearchHex(q.q) : undefined,
      };
      const { rows, total } = await devices.list(filter, q.sort, q.order, q.page, q.per_page);
      return c.json(
        { devices: rows.map(deviceToApi), pagination: pagination(q.page, q.per_page, total) },
        200,
      );
    });

    app.openapi(status, async (c) =>
      c.json(
        deviceStatusSummary(await devices.statusCounts(siteFilterFor(c, c.req.valid('query').site_id))),
        200,
      ),
    );

    /** The stored SNMP settings of a device that references a credential; 422 naming credential_id otherwise. */
    const credentialSnmp = async (
      credentialId: number,
      siteId: number,
      snmpIn: SnmpInputT | undefined,
      /** Who makes a new reference, and where to; absent when an unchanged reference is kept. */
      caller: { role: Role | undefined; ip: string } | undefined,
    ) => {
      const detail = (message: string) =>
        unprocessable(`credential_id ${credentialId}: ${message}`, [{ path: 'body.credential_id', message }]);
      const row = await hub.store.credentials.entry(credentialId);
      if (!row || row.kind !== 'snmp') throw detail('no SNMP credential with this id');
      const set = await hub.store.credentials.getSet(row.set_id);
      if (set && set.site_id !== null && set.site_id !== siteId) throw detail('belongs to another site');
      if (caller)
        requireCredentialUse(
          {
            role: caller.role,
            setSiteId: set?.site_id ?? null,
            targets: [{ field: 'ip_address', host: caller.ip }],
          },
          siteNetworks(hub.config),
        );
      const { community, auth_key, priv_key, ...rest } = snmpIn ?? {};
      if (community || auth_key || priv_key)
        throw unprocessable('give either credential_id or SNMP secrets, not both', [
          { path: 'body.snmp', message: 'secrets come from the credential' },
        ]);
      return { snmp_json: JSON.stringify(snmpSettingsOf(row, rest)), snmp_secret: null };
    };

    const noSnmpWithCredential = () =>
      unprocessable('a device without SNMP (snmp: null) takes no SNMP credential', [
        { path: 'body.credential_id', message: 'must be absent or null when snmp is null' },
      ]);

    app.openapi(create, async (c) => {
      const input = c.req.valid('json');
      await requireSite(c, input.site_id);
      await requireParent(c, input.parent_id);
      if (input.snmp === undefined && !input.credential_id)
        throw unprocessable('snmp or credential_id is required', [
          {
            path: 'body.snmp',
            message: 'required: SNMP settings, or null for a device watched by its checks only',
          },
        ]);
      if (input.snmp === null && input.credential_id) throw noSnmpWithCredential();
      const snmp = input.credential_id
        ? await credentialSnmp(input.credential_id, input.site_id, input.snmp ?? undefined, {
            role: c.var.user?.role,
            ip: input.ip_address,
          })
        : encodeSnmp(hub.secrets, input.snmp ? resolveSnmp(input.snmp) : null);
      const record: DeviceRecord = {
        name: input.name,
        ip_address: input.ip_address,
        site_id: input.site_id,
        parent_id: input.parent_id ?? null,
        vendor: input.vendor ?? null,
        mac_address: input.mac_address ?? null,
        device_type: input.device_type,
        ...snmp,
        poll_interval_s: input.poll_interval_s,
        profile: input.profile ?? null,
        meta: JSON.stringify(input.meta),
        credential_id: input.credential_id ?? null,
      };
      const row = await devices.insert(record, hub.clock());
      c.set('auditTarget', { type: 'device', id: row.id });
      c.set('auditSite', row.site_id);
      hub.events.emit('inventory.changed', {
        site_id: row.site_id,
        kind: 'device',
        id: row.id,
        change: 'created',
      });
      return c.json(deviceToApi(row), 201);
    });

    app.openapi(get, async (c) => {
      const { id } = c.req.valid('param');
      const row = await devices.get(id);
      if (!row) throw notFound('device', id);
      requireInScope(c, 'device', id, row.site_id);
      return c.json(deviceToApi(row), 200);
    });

    app.openapi(update, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const before = await devices.get(id);
      if (!before) throw notFound('device', id);
      requireInScope(c, 'device', id, before.site_id);
      if (input.site_id !== undefined) await requireSite(c, input.site_id);
      await requireParent(c, input.parent_id, id);
      const patch: Partial<DeviceRecord> = {
        name: input.name,
        ip_address: input.ip_address,
        site_id: input.site_id,
        parent_id: input.parent_id,
        vendor: input.vendor,
        mac_address: input.mac_address,
        device_type: input.device_type,
        poll_interval_s: input.poll_interval_s,
        profile: input.profile,
        meta: input.meta === undefined ? undefined : JSON.stringify(input.meta),
      };
      // A new address or site drops the stored secrets unless this request gives them again.
      const moved = deviceTargetMoved(before, input);
      let cleared: string[] = [];
      const stored = storedSnmp(hub.secrets, before);
      // A credential reference does not follow the device to another address or site unless given again.
      const credentialId =
        input.credential_id === undefined ? (moved ? null : before.credential_id) : input.credential_id;
      if (input.snmp === null) {
        // SNMP off: the device keeps its checks; its credentials (own or referenced) go.
        if (input.credential_id) throw noSnmpWithCredential();
        cleared = before.credential_id ? ['credential_id'] : Object.keys(stored?.secrets ?? {});
        Object.assign(patch, encodeSnmp(hub.secrets, null), { credential_id: null });
      } else if (moved && input.credential_id === undefined && before.credential_id !== null) {
        Object.assign(patch, { credential_id: null, snmp_secret: null });
        cleared = ['credential_id'];
      } else if (credentialId) {
        const {
          community: _c,
          auth_key: _a,
          priv_key: _p,
          ...kept
        } = (JSON.parse(before.snmp_json) ?? {}) as SnmpInputT;
        Object.assign(
          patch,
          await credentialSnmp(
            credentialId,
            input.site_id ?? before.site_id,
            { ...kept, ...(input.snmp ?? {}) },
            // Checked when this request makes the reference (an unchanged one at the same target is kept).
            input.credential_id !== undefined && (input.credential_id !== before.credential_id || moved)
              ? { role: c.var.user?.role, ip: input.ip_address ?? before.ip_address }
              : undefined,
          ),
          { credential_id: credentialId },
        );
      } else if (input.credential_id === null && before.credential_id !== null) {
        // Back to its own secrets: they must be given now.
        Object.assign(patch, encodeSnmp(hub.secrets, resolveSnmp(input.snmp ?? {})), { credential_id: null });
      } else if (input.snmp || (moved && stored)) {
        const next = resolveSnmp(input.snmp ?? {}, stored, { secretsDropped: moved });
        cleared = Object.keys(stored?.secrets ?? {}).filter((k) => !(k in next.secrets));
        Object.assign(patch, encodeSnmp(hub.secrets, next));
      }
      const row = await devices.update(id, patch, hub.clock());
      if (!row) throw notFound('device', id);
      c.set('auditDetails', {
        fields: Object.keys(input),
        ...(cleared.length ? { secrets_cleared: cleared } : {}),
      });
      hub.events.emit('inventory.changed', { site_id: row.site_id, kind: 'device', id, change: 'updated' });
      if (row.site_id !== before.site_id) {
        hub.events.emit('inventory.changed', {
          site_id: before.site_id,
          kind: 'device',
          id,
          change: 'deleted',
        });
      }
      return c.json(deviceToApi(row), 200);
    });

    app.openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      const row = await devices.get(id);
      if (!row) throw notFound('device', id);
      await hub.store.unit(async (tx) => {
        await tx.series.deleteTarget('device', String(id));
        await tx.devices.delete(id);
      });
      hub.events.emit('inventory.changed', { site_id: row.site_id, kind: 'device', id, change: 'deleted' });
      return c.body(null, 204);
    });
  },
};
