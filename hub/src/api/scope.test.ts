import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addAgent, cameraRecord, deviceRecord, newAlert } from '../store/contract/fixtures.js';
import {
  allows,
  listRoutes,
  type RawRouteDef,
  registerRaw,
  routesWithoutSiteRule,
  rulesOf,
} from './access.js';
import { createApp, tokenService } from './app.js';
import { ROUTE_MODULES } from './routes/index.js';
import { neededRole } from './site-scope.js';
import { createTestHub, type TestHub } from './testing.js';
import type { Role } from './types.js';

/** The objects of one site, by the path segment that names their kind. */
type Objects = Record<'sites' | 'devices' | 'cameras' | 'agents' | 'alerts' | 'jobs', number | string>;

const SCOPED_ROLES: Role[] = ['viewer', 'operator'];

/** A URL for a route with `id` for {id} and ids that do not exist for any other parameter. */
function concrete(path: string, id: number | string): string {
  return path.replaceAll(/\{([^}]+)\}/g, (_m, name: string) => (name === 'id' ? String(id) : '999999'));
}

/** The kind of object a route's {id} names: the segment after /api/v1 (`/devices/{id}/...` -> devices). */
function kindOf(path: string): keyof Objects | undefined {
  const m = /^\/api\/v1\/([a-z-]+)\/\{id\}/.exec(path);
  const kind = m?.[1];
  return kind && ['sites', 'devices', 'cameras', 'agents', 'alerts', 'jobs'].includes(kind)
    ? (kind as keyof Objects)
    : undefined;
}

describe('routes by role by scope (tenants)', () => {
  let hub: TestHub;
  let mine: Objects;
  let other: Objects;
  const tokens = {} as Record<Role, string>;

  /** A site with one of each kind of object. */
  async function siteWithObjects(name: string): Promise<Objects> {
    const { store } = hub.ctx;
    const now = Date.UTC(2026, 0, 15, 12, 0, 0);
    const site = await store.sites.insert({ name }, now);
    const device = await store.devices.insert(deviceRecord(site.id, `sw-${name}`), now);
    const camera = await store.cameras.insert(cameraRecord(site.id, `cam-${name}`), now);
    const agent = await addAgent(store, `agent-${name}`, site.id, now);
    const alert = await store.alerts.insert(
      newAlert({ key: `device:${device.id}`, target: { key: `device:${device.id}`, site_id: site.id } }),
    );
    const job = await store.jobs.insert({
      id: `job-${name}`,
      type: 'poll-now',
      args: { device_id: device.id },
      target_kind: 'device',
      target_id: device.id,
      site_id: site.id,
      agent_id: agent.id,
      timeout_s: 60,
      queue_timeout_s: 900,
      created_by: null,
      now,
    });
    return {
      sites: site.id,
      devices: device.id,
      cameras: camera.id,
      agents: agent.id,
      alerts: alert.id,
      jobs: job.id,
    };
  }

  before(async () => {
    hub = await createTestHub();
    mine = await siteWithObjects('mine');
    other = await siteWithObjects('other');
    const svc = tokenService(hub.ctx);
    for (const role of SCOPED_ROLES) {
      const u = await hub.ctx.store.users.insert(
        { username: `scoped-${role}`, role, password_hash: 'x', email: null },
        Date.UTC(2026, 0, 15, 11, 0, 0),
      );
      await hub.ctx.store.scopes.set({ user_id: u.id }, { sites: [mine.sites as number], groups: [] });
      tokens[role] = await svc.signAccess(u);
    }
  });
  after(() => hub.close());

  it('has a site rule on every authenticated route, and notices a route without one', () => {
    assert.deepEqual(routesWithoutSiteRule(hub.app), []);
    const app = createApp(hub.ctx, [
      ...ROUTE_MODULES,
      {
        name: 'ruleless',
        register: (a) =>
          registerRaw(
            a,
            { method: 'get', path: '/api/v1/ruleless', access: 'viewer', summary: 'x' } as RawRouteDef,
            (c) => c.text('oops'),
          ),
      },
    ]);
    assert.deepEqual(routesWithoutSiteRule(app), ['GET /api/v1/ruleless']);
  });

  it('refuses hub-wide routes to scoped users, keeps site routes to their sites: 404 for another site', async () => {
    const routes = listRoutes(hub.app).filter((r) => r.access !== 'public');
    // Deletes last (and only ever of the other site, which must answer 404 and keep its objects).
    routes.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    let checked = 0;
    let ownChecked = 0;
    for (const route of routes) {
      const rule = rulesOf(route.method, route.path).site;
      const kind = kindOf(route.path);
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
      for (const role of SCOPED_ROLES) {
        const url = concrete(route.path, kind ? other[kind] : 999999);
        const res = await hub.req(route.method, url, { token: tokens[role], body });
        const text = res.status >= 400 ? await res.text() : '';
        if (res.status < 400) await res.body?.cancel().catch(() => {});
        const who = `scoped ${role} ${route.method} ${url}`;
        const byRole = res.status === 403 && text.includes('this needs the');
        const bySite = res.status === 403 && text.includes('limited to some sites');
        if (!allows(neededRole(route.access as Role, rulesOf(route.method, route.path), true), role)) {
          assert.ok(byRole, `${who} should be refused by role: ${res.status} ${text}`);
        } else if (rule === 'refuse') {
          assert.ok(bySite, `${who} should be refused as hub-wide: ${res.status} ${text}`);
        } else {
          assert.ok(!bySite && !byRole, `${who}: ${res.status} ${text}`);
          if (rule === 'own' && kind) {
            // Another site's object does not exist for them (a body that fails validation says nothing either).
            assert.ok(
              res.status === 404 || (res.status === 400 && body !== undefined),
              `${who}: another site's ${kind} must be not found: ${res.status} ${text}`,
            );
            ownChecked++;
          }
        }
        checked++;
      }
    }
    assert.ok(checked >= 200, `only ${checked} checks`);
    assert.ok(ownChecked >= 10, `only ${ownChecked} checks of another site's objects`);
    // Nothing of the other site was changed or deleted on the way.
    assert.ok(await hub.ctx.store.devices.get(other.devices as number));
    assert.ok(await hub.ctx.store.cameras.get(other.cameras as number));
    assert.ok(await hub.ctx.store.sites.get(other.sites as number));
  });

  it("lists only the caller's sites' objects, with counts of them, and answers their own objects", async () => {
    const get = async (path: string) => {
      const res = await hub.req('GET', path, { token: tokens.viewer });
      assert.equal(res.status, 200, `${path}: ${res.status}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const ids = (rows: unknown) => (rows as { id: number | string }[]).map((r) => r.id);
    assert.deepEqual(ids((await get('/api/v1/sites')).sites), [mine.sites]);
    assert.deepEqual(ids((await get('/api/v1/devices')).devices), [mine.devices]);
    assert.deepEqual(ids((await get('/api/v1/cameras')).cameras), [mine.cameras]);
    assert.deepEqual(ids((await get('/api/v1/agents')).items), [mine.agents]);
    assert.deepEqual(ids((await get('/api/v1/alerts')).alerts), [mine.alerts]);
    assert.equal(((await get('/api/v1/devices')).pagination as { total: number }).total, 1);
    assert.equal((await get('/api/v1/devices/status')).total, 1);
    // Every list a scoped user may read names nothing of another site.
    const otherSite = new RegExp(`"site_id":${other.sites}[,}]`);
    for (const r of listRoutes(hub.app)) {
      if (r.method !== 'GET' || r.path.includes('{') || rulesOf(r.method, r.path).site === 'refuse') continue;
      const needed =
        r.access === 'public' ? 'public' : neededRole(r.access as Role, rulesOf(r.method, r.path), true);
      if (needed === 'public' || !allows(needed, 'viewer') || r.path === '/api/v1/events') continue;
      const res = await hub.req('GET', r.path, { token: tokens.viewer });
      const text = await res.text();
      assert.doesNotMatch(text, otherSite, `GET ${r.path} shows another site's objects`);
    }
    const found = (await get('/api/v1/search?q=sw-')) as { devices: { id: number }[] };
    assert.deepEqual(ids(found.devices), [mine.devices]);
    for (const kind of ['sites', 'devices', 'cameras', 'agents', 'alerts'] as const)
      await get(`/api/v1/${kind}/${mine[kind]}`);
    assert.equal(
      (await hub.req('GET', `/api/v1/devices?site_id=${other.sites}`, { token: tokens.viewer })).status,
      404,
    );
  });

  it("shows a scoped user the audit entries of their sites' objects only, even of a deleted device", async () => {
    const admin = hub.tokens.admin;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await hub.req(method, path, { token: admin, body });
      assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
      return (await res.json().catch(() => ({}))) as { id?: number };
    };
    await call('PUT', `/api/v1/devices/${mine.devices}`, { name: 'sw-mine-renamed' });
    await call('PUT', `/api/v1/devices/${other.devices}`, { name: 'sw-other-renamed' });
    const created = await call('POST', '/api/v1/devices', {
      name: 'sw-mine-short-lived',
      ip_address: '10.9.9.9',
      site_id: mine.sites,
      snmp: { version: '2c', community: 'audit-x' },
    });
    await call('DELETE', `/api/v1/devices/${created.id}`);
    const raised = await call('POST', '/api/v1/alerts', {
      severity: 'low',
      title: 'audit me',
      device_id: mine.devices,
    });
    await call('POST', '/api/v1/users', {
      username: 'audited-user',
      role: 'viewer',
      password: 'Audit-entries-0f-users',
    });
    type Page = {
      entries: { action: string; target_id: string | null; site_id: number | null }[];
      pagination: { total: number };
    };
    const read = async (token: string) => {
      const res = await hub.req('GET', '/api/v1/audit?per_page=100', { token });
      assert.equal(res.status, 200);
      return (await res.json()) as Page;
    };
    const seen = await read(tokens.viewer);
    assert.deepEqual(
      seen.entries.map((e) => `${e.action} ${e.target_id}`),
      [
        `POST /api/v1/alerts ${raised.id}`,
        `DELETE /api/v1/devices/{id} ${created.id}`,
        `POST /api/v1/devices ${created.id}`,
        `PUT /api/v1/devices/{id} ${mine.devices}`,
      ],
      "only their site's changes: not another site's, not hub-wide ones, not others' refused attempts",
    );
    assert.ok(seen.entries.every((e) => e.site_id === mine.sites));
    assert.equal(seen.pagination.total, 4);
    assert.deepEqual(await read(tokens.operator), seen);
    const all = (await read(admin)).entries;
    assert.ok(all.some((e) => e.site_id === other.sites && e.target_id === String(other.devices)));
    assert.ok(all.some((e) => e.site_id === null && e.action === 'POST /api/v1/users'));
  });

  it('gives a scoped user only their sites on /auth/me, and never makes them admin', async () => {
    const me = await hub.req('GET', '/api/v1/auth/me', { token: tokens.viewer });
    assert.deepEqual(((await me.json()) as { sites: number[] }).sites, [mine.sites]);
    const res = await hub.req('POST', '/api/v1/users', {
      token: hub.tokens.admin,
      body: {
        username: 'boss',
        role: 'admin',
        password: 'Sc0ped-admin-is-refused',
        scope: { sites: [mine.sites] },
      },
    });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /body\.scope/);
  });
});
