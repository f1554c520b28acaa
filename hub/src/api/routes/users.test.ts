import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createTestHub, type TestHub } from '../testing.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
type Json = Record<string, any>;

describe('users, sites, audit and operations routes', () => {
  let hub: TestHub;
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await hub.req(method, path, { token: hub.tokens.admin, body });
    return { status: res.status, json: (res.status === 204 ? {} : await res.json()) as Json };
  };
  beforeEach(async () => {
    hub = await createTestHub();
  });
  afterEach(() => hub.close());

  it('manages users; the new user can log in; hashes never leave', async () => {
    const created = await admin('POST', '/api/v1/users', {
      username: 'carol',
      email: 'carol@example.test',
      role: 'viewer',
      password: 'Blue-harbour-lantern-8',
    });
    assert.equal(created.status, 201);
    assert.ok(!JSON.stringify(created.json).includes('scrypt'));
    const login = await hub.req('POST', '/api/v1/auth/login', {
      body: { username: 'carol', password: 'Blue-harbour-lantern-8' },
    });
    assert.equal(login.status, 200);
    const { access_token } = (await login.json()) as { access_token: string };
    const promoted = await admin('PUT', `/api/v1/users/${created.json.id}`, { role: 'operator' });
    assert.equal(promoted.json.role, 'operator');
    // The stored role counts from the next request, without a new token.
    const me = await hub.req('GET', '/api/v1/auth/me', { token: access_token });
    assert.equal(((await me.json()) as Json).role, 'operator');
    await admin('PUT', `/api/v1/users/${created.json.id}`, { disabled: true });
    assert.equal((await hub.req('GET', '/api/v1/auth/me', { token: access_token })).status, 401);
    const list = await admin('GET', '/api/v1/users');
    assert.deepEqual(
      (list.json.users as Json[]).map((u) => u.username),
      ['admin', 'operator', 'viewer', 'carol'],
    );
    assert.ok(!JSON.stringify(list.json).includes('password'));
    assert.equal((await admin('DELETE', `/api/v1/users/${created.json.id}`)).status, 204);
    assert.equal((await admin('GET', `/api/v1/users/${created.json.id}`)).status, 404);
  });

  it('manages sites and refuses to delete one that still has devices', async () => {
    const s = await admin('POST', '/api/v1/sites', {
      name: 'Clinic',
      timezone: 'Europe/Paris',
      address: '1 Main St',
    });
    assert.equal(s.status, 201);
    assert.equal(s.json.timezone, 'Europe/Paris');
    await admin('POST', '/api/v1/devices', {
      name: 'd',
      ip_address: '10.0.0.1',
      site_id: s.json.id,
      snmp: { version: '2c', community: 'x' },
    });
    const list = await admin('GET', '/api/v1/sites');
    assert.equal(list.json.sites[0].device_count, 1);
    assert.equal((await admin('DELETE', `/api/v1/sites/${s.json.id}`)).status, 409);
    assert.equal(
      (await admin('PUT', `/api/v1/sites/${s.json.id}`, { notes: 'key at reception' })).json.notes,
      'key at reception',
    );
  });

  it('records mutating requests in the audit log and filters it', async () => {
    await hub.req('POST', '/api/v1/sites', { token: hub.tokens.operator, body: { name: 'S1' } });
    await hub.req('DELETE', '/api/v1/sites/1', { token: hub.tokens.operator });
    await hub.req('POST', '/api/v1/auth/login', {
      body: { username: 'viewer', password: 'wrong-wrong-wrong' },
    });
    const all = await admin('GET', '/api/v1/audit');
    const entries = all.json.entries as Json[];
    assert.deepEqual(
      entries.map((e) => [e.username, e.action, e.target_type, e.target_id, e.outcome, e.status]),
      [
        ['viewer', 'POST /api/v1/auth/login', 'session', null, 'denied', 401],
        ['operator', 'DELETE /api/v1/sites/{id}', 'site', '1', 'denied', 403],
        ['operator', 'POST /api/v1/sites', 'site', '1', 'success', 201],
      ],
    );
    assert.equal(entries[0]?.ts, '2026-01-15T12:00:00.000Z');
    const denied = await admin('GET', '/api/v1/audit?outcome=denied&user=operator');
    assert.equal(denied.json.pagination.total, 1);
    assert.equal((await hub.req('GET', '/api/v1/audit', { token: hub.tokens.operator })).status, 403);
  });

  it('answers health without a token and counts requests by route for Prometheus', async () => {
    const health = await hub.req('GET', '/api/v1/health');
    assert.equal(health.status, 200);
    // Anonymous: the status only, not what runs (version) nor where (ports, agent count).
    assert.deepEqual(await health.json(), { status: 'ok' });
    const detailed = await hub.req('GET', '/api/v1/health', { token: hub.tokens.viewer });
    const h = (await detailed.json()) as Json;
    assert.equal(h.status, 'ok');
    assert.equal(h.db.ok, true);
    assert.equal(typeof h.version, 'string');
    await hub.req('GET', '/api/v1/devices/12', { token: hub.tokens.viewer });
    assert.equal((await hub.req('GET', '/metrics')).status, 401);
    const metrics = await (await hub.req('GET', '/metrics', { token: hub.tokens.viewer })).text();
    assert.match(
      metrics,
      /outpost_hub_http_requests_total\{method="GET",route="\/api\/v1\/devices\/\{id\}",status="404"\} 1/,
    );
    assert.match(metrics, /outpost_hub_http_request_duration_seconds_bucket\{.*route="\/api\/v1\/health"/);
  });

  it('accepts the static metrics token when configured', async () => {
    const h2 = await import('../testing.js').then((m) =>
      m.createTestHub({ metricsToken: 'scrape-token-0123456789' }),
    );
    try {
      assert.equal((await h2.req('GET', '/metrics', { token: 'scrape-token-0123456789' })).status, 200);
      assert.equal((await h2.req('GET', '/metrics', { token: 'scrape-token-wrong' })).status, 401);
    } finally {
      h2.close();
    }
  });

  it('serves the docs UI from local assets with security headers and request ids', async () => {
    const page = await hub.req('GET', '/api/docs');
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.doesNotMatch(html, /https?:\/\//, 'no CDN');
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(page.headers.get('x-request-id'));
    const js = await hub.req('GET', '/api/docs/swagger-ui-bundle.js');
    assert.equal(js.status, 200);
    assert.ok((await js.arrayBuffer()).byteLength > 100_000);
    assert.equal((await hub.req('GET', '/api/docs/..%2Fpackage.json')).status, 404);
  });

  it('allows only configured CORS origins', async () => {
    const h2 = await import('../testing.js').then((m) =>
      m.createTestHub({ corsOrigins: ['https://ops.example'] }),
    );
    try {
      const ok = await h2.req('OPTIONS', '/api/v1/devices', {
        headers: { origin: 'https://ops.example', 'access-control-request-method': 'GET' },
      });
      assert.equal(ok.headers.get('access-control-allow-origin'), 'https://ops.example');
      const bad = await h2.req('GET', '/api/v1/health', { headers: { origin: 'https://evil.example' } });
      assert.equal(bad.headers.get('access-control-allow-origin'), null);
    } finally {
      h2.close();
    }
  });
});
