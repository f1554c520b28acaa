import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashToken } from '../auth/tokens.js';
import { ACCESS_RANK, allows, listRoutes, mayBePublic, routesWithoutAccess, rulesOf } from './access.js';
import { createApp } from './app.js';
import { ROUTE_MODULES } from './routes/index.js';
import { neededRole } from './site-scope.js';
import { createTestHub, type TestHub } from './testing.js';
import type { Role } from './types.js';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];

/** A concrete URL for a route: every path parameter becomes an id that does not exist. */
function concrete(path: string): string {
  return path.replaceAll(/\{([^}]+)\}/g, (_m, name: string) =>
    name === 'asset' ? 'swagger-ui.css' : '999999',
  );
}

describe('route access rules', () => {
  let hub: TestHub;
  before(async () => {
    hub = await createTestHub();
  });
  after(() => hub.close());

  it('declares an access rule for every route hono serves', () => {
    assert.deepEqual(routesWithoutAccess(hub.app), []);
    assert.ok(listRoutes(hub.app).length >= 40, `only ${listRoutes(hub.app).length} routes registered`);
  });

  it('notices a route registered without an access rule', () => {
    const app = createApp(hub.ctx, [
      ...ROUTE_MODULES,
      { name: 'naked', register: (a) => void a.get('/api/v1/naked', (c) => c.text('oops')) },
    ]);
    assert.deepEqual(routesWithoutAccess(app), ['GET /api/v1/naked']);
  });

  it('lets anonymous callers reach only login, refresh, health and the docs', () => {
    const open = listRoutes(hub.app).filter((r) => r.access === 'public');
    for (const r of open)
      assert.ok(mayBePublic(r.method, r.path), `${r.method} ${r.path} is public but not in PUBLIC_ROUTES`);
    const keys = open.map((r) => `${r.method} ${r.path}`);
    assert.ok(keys.includes('POST /api/v1/auth/login') && keys.includes('GET /api/v1/health'));
    assert.ok(!keys.includes('GET /metrics') && !keys.some((k) => k.includes('/devices')));
  });

  it('enforces each route rule against anonymous and every role', async () => {
    const routes = listRoutes(hub.app);
    // Deletes last so that nothing a later request needs is gone (ids do not exist anyway).
    routes.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    let checked = 0;
    for (const route of routes) {
      const access = route.access;
      assert.ok(access && access in ACCESS_RANK, `${route.method} ${route.path} has no access rule`);
      const url = concrete(route.path);
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
      if (process.env.DEBUG_ACCESS) console.log(route.method, url);
      const anon = await hub.req(route.method, url, { body });
      if (access === 'public') {
        // A public handler may still answer 401 itself (no refresh cookie), never the rule's 'authentication required'.
        const refused = anon.status === 401 && /authentication required/.test(await anon.text());
        await anon.body?.cancel().catch(() => {});
        assert.ok(!refused && anon.status !== 403, `anonymous ${route.method} ${url}: ${anon.status}`);
      } else {
        assert.equal(anon.status, 401, `anonymous ${route.method} ${url}`);
        assert.equal(((await anon.json()) as { error: { code: string } }).error.code, 'unauthorized');
      }
      for (const role of ROLES) {
        const res = await hub.req(route.method, url, { token: hub.tokens[role], body });
        // Streams (SSE) stay open: only the status (and an error body) matters here.
        let text = '';
        if (res.status >= 400) text = await res.text();
        else await res.body?.cancel().catch(() => {});
        const byRule = res.status === 403 && text.includes('this needs the');
        if (allows(access, role)) {
          assert.ok(
            !byRule && (access === 'public' || res.status !== 401),
            `${role} ${route.method} ${url}: ${res.status} ${text}`,
          );
        } else {
          assert.ok(byRule, `${role} ${route.method} ${url} should be refused by the rule: ${res.status}`);
        }
        checked++;
      }
    }
    assert.ok(checked >= 120);
  });

  it('enforces each route rule against API keys: every role, session-only routes, a key limited to a site', async () => {
    const now = Date.UTC(2026, 0, 15, 12, 0, 0);
    const site = await hub.ctx.store.sites.insert({ name: 'key-scope' }, now);
    const keys: Record<string, { key: string; role: Role; site: number | null }> = {};
    for (const role of ROLES)
      for (const limited of [false, true]) {
        const key = `opk_access-test-${role}-${limited}`;
        await hub.ctx.store.apiKeys.insert({
          user_id: hub.ids.admin,
          name: key,
          role,
          site_id: limited ? site.id : null,
          prefix: key.slice(0, 12),
          key_hash: hashToken(key),
          created_at: now,
          expires_at: null,
        });
        keys[key] = { key, role, site: limited ? site.id : null };
      }
    const routes = listRoutes(hub.app).filter((r) => r.access !== 'public');
    routes.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    let checked = 0;
    for (const route of routes) {
      const url = concrete(route.path);
      const rules = rulesOf(route.method, route.path);
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
      for (const k of Object.values(keys)) {
        const res = await hub.req(route.method, url, { token: k.key, body });
        let text = '';
        if (res.status >= 400) text = await res.text();
        else await res.body?.cancel().catch(() => {});
        const who = `${k.role} key${k.site ? ' limited to a site' : ''} ${route.method} ${url}`;
        assert.notEqual(res.status, 401, `${who}: ${text}`);
        const byRole = res.status === 403 && text.includes('this needs the');
        const bySession = res.status === 403 && text.includes('needs a signed-in user');
        const bySite = res.status === 403 && text.includes('not available to a caller limited to some sites');
        // A key limited to sites is never an admin: it acts as an operator.
        const role = k.site !== null && k.role === 'admin' ? 'operator' : k.role;
        if (!allows(neededRole(route.access as Role, rules, k.site !== null), role)) {
          assert.ok(byRole, `${who} should be refused by the role rule: ${res.status} ${text}`);
        } else if (rules.sessionOnly) {
          assert.ok(bySession, `${who} should be refused as session-only: ${res.status} ${text}`);
        } else if (k.site !== null && rules.site === 'refuse') {
          assert.ok(bySite, `${who} should be refused to a site-limited key: ${res.status} ${text}`);
        } else {
          assert.ok(!byRole && !bySession && !bySite, `${who}: ${res.status} ${text}`);
        }
        checked++;
      }
    }
    assert.ok(checked >= 600, `only ${checked} checks`);
  });

  it('publishes every rule in the OpenAPI document as x-access', async () => {
    const res = await hub.req('GET', '/api/openapi.json');
    assert.equal(res.status, 200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { 'x-access'?: string; 'x-site-rule'?: string }>>;
    };
    assert.match(doc.openapi, /^3\.1/);
    for (const r of listRoutes(hub.app)) {
      if (r.hidden) continue;
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      assert.ok(op, `${r.method} ${r.path} missing from the OpenAPI document`);
      assert.equal(op['x-access'], r.access);
      // Routes declared with defineRoute publish what they do for a key limited to a site.
      if (op['x-site-rule'] !== undefined) assert.equal(op['x-site-rule'], rulesOf(r.method, r.path).site);
    }
  });
});
