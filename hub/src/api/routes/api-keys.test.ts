import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashToken } from '../../auth/tokens.js';
import { deviceRecord } from '../../store/contract/fixtures.js';
import { createTestHub, type TestHub } from '../testing.js';

// biome-ignore lint/suspicious/noExplicitAny: API bodies of many shapes, checked by the assertions
type Body = any;

describe('API keys', () => {
  let hub: TestHub;
  let siteA = 0;
  let siteB = 0;
  let devA = 0;
  let devB = 0;
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await hub.req(method, path, { token, body });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Body };
  };
  const newKey = async (as: 'admin' | 'operator' | 'viewer', body: Record<string, unknown>) => {
    const r = await call('POST', '/api/v1/api-keys', hub.tokens[as], body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: number; key: string; role: string; site_id: number | null };
  };

  before(async () => {
    hub = await createTestHub();
    const now = Date.UTC(2026, 0, 15, 12, 0, 0);
    siteA = (await hub.ctx.store.sites.insert({ name: 'shop-a' }, now)).id;
    siteB = (await hub.ctx.store.sites.insert({ name: 'shop-b' }, now)).id;
    devA = (await hub.ctx.store.devices.insert(deviceRecord(siteA, 'sw-a'), now)).id;
    devB = (await hub.ctx.store.devices.insert(deviceRecord(siteB, 'sw-b'), now)).id;
  });
  after(() => hub.close());

  it('shows a new key once, keeps only its hash, and accepts it as a bearer token', async () => {
    const k = await newKey('viewer', { name: 'grafana' });
    assert.match(k.key, /^opk_/);
    assert.equal(k.role, 'viewer', 'defaults to the creator role');
    const stored = await hub.ctx.store.apiKeys.get(k.id);
    assert.equal(stored?.key_hash, hashToken(k.key));
    assert.ok(!JSON.stringify(stored).includes(k.key));
    const listed = await call('GET', '/api/v1/api-keys', hub.tokens.viewer);
    assert.equal(listed.status, 200);
    assert.ok(!JSON.stringify(listed.body).includes(k.key), 'a list never holds the key');
    assert.ok(!JSON.stringify(listed.body).includes(stored?.key_hash as string), 'nor its hash');
    const mine = listed.body.api_keys.find((x: { id: number }) => x.id === k.id);
    assert.equal(mine.last_used_at, null);
    assert.equal(mine.prefix, k.key.slice(0, 12));
    const devices = await call('GET', '/api/v1/devices', k.key);
    assert.equal(devices.status, 200, JSON.stringify(devices.body));
    assert.equal(devices.body.devices.length, 2);
    const me = await call('GET', '/api/v1/auth/me', k.key);
    assert.equal(me.body.username, 'viewer');
    const after = (await call('GET', '/api/v1/api-keys', hub.tokens.viewer)).body.api_keys;
    assert.ok(after.find((x: { id: number }) => x.id === k.id).last_used_at, 'last use recorded');
    // A wrong key of the right shape is refused, as is a key where a JWT is expected to be forged.
    assert.equal((await call('GET', '/api/v1/devices', `${k.key.slice(0, -2)}xx`)).status, 401);
  });

  it('refuses a role above the creator own, and changes nothing', async () => {
    const before = (await hub.ctx.store.apiKeys.list()).length;
    for (const [as, role] of [
      ['operator', 'admin'],
      ['viewer', 'operator'],
      ['viewer', 'admin'],
    ] as const) {
      const r = await call('POST', '/api/v1/api-keys', hub.tokens[as], { name: 'x', role });
      assert.equal(r.status, 403, `${as} -> ${role}`);
      assert.match(r.body.error.message, new RegExp(`role ${role} is above yours \\(${as}\\)`));
    }
    assert.equal((await hub.ctx.store.apiKeys.list()).length, before);
  });

  it('acts with the key role: an operator key of an admin cannot do admin things', async () => {
    const k = await newKey('admin', { name: 'ops-bot', role: 'operator' });
    assert.equal((await call('GET', '/api/v1/users', k.key)).status, 403);
    const made = await call('POST', '/api/v1/users', k.key, {
      username: 'by-key',
      role: 'viewer',
      password: 'x',
    });
    assert.equal(made.status, 403, 'users are admin-only');
    const dev = await call('PUT', `/api/v1/devices/${devA}`, k.key, { name: 'sw-a2' });
    assert.equal(dev.status, 200, JSON.stringify(dev.body));
    const full = await newKey('admin', { name: 'admin-bot' });
    assert.equal((await call('GET', '/api/v1/users', full.key)).status, 200);
  });

  it('acts no higher than its user now: a demoted user key loses the role with them', async () => {
    const second = await hub.ctx.store.users.insert(
      { username: 'admin2', role: 'admin', password_hash: 'x', email: null },
      Date.UTC(2026, 0, 15),
    );
    const key = await hub.ctx.store.apiKeys.insert({
      user_id: second.id,
      name: 'k',
      role: 'admin',
      site_id: null,
      prefix: 'opk_test',
      key_hash: hashToken('opk_demoted-user-key'),
      created_at: Date.UTC(2026, 0, 15),
      expires_at: null,
    });
    assert.equal((await call('GET', '/api/v1/users', 'opk_demoted-user-key')).status, 200);
    await hub.ctx.store.users.update(second.id, { role: 'viewer' }, Date.UTC(2026, 0, 15));
    const r = await call('GET', '/api/v1/users', 'opk_demoted-user-key');
    assert.equal(r.status, 403);
    assert.match(r.body.error.message, /you are viewer/);
    await hub.ctx.store.users.update(second.id, { disabled: true }, Date.UTC(2026, 0, 15));
    const off = await call('GET', '/api/v1/devices', 'opk_demoted-user-key');
    assert.equal(off.status, 401);
    assert.match(off.body.error.message, /no longer active/);
    await hub.ctx.store.apiKeys.revoke(key.id, Date.UTC(2026, 0, 15));
  });

  it('stops working at its expiry; an expiry in the past is refused naming the field', async () => {
    const now = Date.UTC(2026, 0, 15, 12, 0, 0);
    const past = await call('POST', '/api/v1/api-keys', hub.tokens.viewer, {
      name: 'old',
      expires_at: '2026-01-15T11:00:00Z',
    });
    assert.equal(past.status, 422);
    assert.equal(past.body.error.details[0].path, 'body.expires_at');
    const k = await newKey('viewer', { name: 'short', expires_at: '2026-01-15T13:00:00Z' });
    assert.equal((await call('GET', '/api/v1/devices', k.key)).status, 200);
    hub.setTime(now + 3600_000);
    const r = await call('GET', '/api/v1/devices', k.key);
    assert.equal(r.status, 401);
    assert.match(r.body.error.message, /expired/);
    hub.setTime(now);
  });

  it('is revoked by its user or an admin, not by another user, and stops working at once', async () => {
    const k = await newKey('operator', { name: 'rotate-me' });
    const other = await call('DELETE', `/api/v1/api-keys/${k.id}`, hub.tokens.viewer);
    assert.equal(other.status, 404, "another user's key is not found to them");
    assert.equal((await call('GET', '/api/v1/devices', k.key)).status, 200);
    assert.equal((await call('DELETE', `/api/v1/api-keys/${k.id}`, hub.tokens.operator)).status, 204);
    const r = await call('GET', '/api/v1/devices', k.key);
    assert.equal(r.status, 401);
    assert.match(r.body.error.message, /revoked/);
    const k2 = await newKey('operator', { name: 'by-admin' });
    assert.equal((await call('DELETE', `/api/v1/api-keys/${k2.id}`, hub.tokens.admin)).status, 204);
    assert.equal((await call('GET', '/api/v1/devices', k2.key)).status, 401);
    const all = await call('GET', '/api/v1/api-keys?all=true', hub.tokens.viewer);
    assert.equal(all.status, 403, "only admins list everyone's keys");
    const everyone = await call('GET', '/api/v1/api-keys?all=true', hub.tokens.admin);
    assert.ok(everyone.body.api_keys.some((x: { username: string }) => x.username === 'operator'));
  });

  it('cannot mint keys or stream tokens, nor change the password: those need a signed-in user', async () => {
    const k = await newKey('admin', { name: 'no-minting' });
    for (const [path, body] of [
      ['/api/v1/api-keys', { name: 'child' }],
      ['/api/v1/auth/stream-tokens', { scope: 'events' }],
      ['/api/v1/auth/change-password', { current_password: 'x', new_password: 'y' }],
    ] as const) {
      const r = await call('POST', path, k.key, body);
      assert.equal(r.status, 403, path);
      assert.match(r.body.error.message, /needs a signed-in user/);
    }
  });

  it('is audited: created (never with the key), and each change made with it names the key', async () => {
    const k = await newKey('operator', { name: 'audited' });
    await call('PUT', `/api/v1/devices/${devA}`, k.key, { name: 'sw-a3' });
    const { rows } = await hub.ctx.store.audit.list({}, 1, 200);
    const created = rows.find((r) => r.action === 'POST /api/v1/api-keys' && r.target_id === String(k.id));
    assert.ok(created, 'creation audited');
    assert.ok(!JSON.stringify(rows).includes(k.key), 'the key is never in the audit log');
    const change = rows.find(
      (r) => r.action === 'PUT /api/v1/devices/{id}' && JSON.parse(r.details ?? '{}').api_key === k.id,
    );
    assert.ok(change, 'the change names the key');
    assert.equal(change.username, 'operator');
  });

  it('limited to a site: sees only that site, another site is not found, other routes are refused', async () => {
    const k = await newKey('admin', { name: 'shop-a only', site_id: siteA });
    assert.equal(k.site_id, siteA);
    const list = await call('GET', '/api/v1/devices', k.key);
    assert.deepEqual(
      list.body.devices.map((d: { id: number }) => d.id),
      [devA],
    );
    assert.equal((await call('GET', `/api/v1/devices/${devA}`, k.key)).status, 200);
    assert.equal((await call('GET', `/api/v1/devices/${devB}`, k.key)).status, 404);
    assert.equal((await call('GET', `/api/v1/devices?site_id=${siteB}`, k.key)).status, 404);
    assert.equal((await call('GET', `/api/v1/devices/status`, k.key)).body.total, 1);
    assert.deepEqual(
      (await call('GET', '/api/v1/sites', k.key)).body.sites.map((s: { id: number }) => s.id),
      [siteA],
    );
    assert.equal((await call('GET', `/api/v1/sites/${siteB}`, k.key)).status, 404);
    // Alerts and agents keep to the site too.
    const alertOf = async (siteId: number, key: string) =>
      (
        await hub.ctx.store.alerts.insert({
          rule: 'manual',
          rule_id: null,
          target: { key, site_id: siteId },
          severity: 'high',
          title: key,
          message: null,
          ts: Date.UTC(2026, 0, 15),
          opened_at: Date.UTC(2026, 0, 15),
          suppressed_by: null,
          maintenance_id: null,
          transitions: [Date.UTC(2026, 0, 15)],
          flapping: false,
        } as never)
      ).id;
    const alertA = await alertOf(siteA, 'alert-a');
    const alertB = await alertOf(siteB, 'alert-b');
    const alerts = await call('GET', '/api/v1/alerts', k.key);
    assert.equal(alerts.status, 200, JSON.stringify(alerts.body));
    assert.deepEqual(
      alerts.body.alerts.map((a: { id: number }) => a.id),
      [alertA],
    );
    assert.equal((await call('GET', `/api/v1/alerts/${alertB}`, k.key)).status, 404);
    assert.equal((await call('GET', `/api/v1/alerts/${alertA}`, k.key)).status, 200);
    for (const [site, id] of [
      [siteA, 'agent-a'],
      [siteB, 'agent-b'],
    ] as const)
      await hub.ctx.store.agents.create({
        id,
        site_id: site,
        hostname: id,
        version: '1.0.0',
        secret_hash: 'ab'.repeat(32),
        created_at: Date.UTC(2026, 0, 15),
      });
    assert.deepEqual(
      (await call('GET', '/api/v1/agents', k.key)).body.items.map((a: { id: string }) => a.id),
      ['agent-a'],
    );
    assert.equal((await call('GET', '/api/v1/agents/agent-b', k.key)).status, 404);
    for (const [method, path] of [
      ['GET', '/api/v1/alert-rules'],
      ['GET', '/api/v1/users'],
      ['POST', '/api/v1/sites'],
      ['DELETE', `/api/v1/devices/${devB}`],
    ] as const) {
      const r = await call(method, path, k.key, method === 'POST' ? { name: 'x' } : undefined);
      assert.equal(r.status, 403, `${method} ${path}`);
      // A key limited to sites acts as an operator at most: /users is refused by role, the rest as hub-wide.
      assert.match(r.body.error.message, /limited to some sites|needs the admin role/);
    }
    assert.ok(await hub.ctx.store.devices.get(devB), 'nothing of the other site changed');
    const bad = await call('POST', '/api/v1/api-keys', hub.tokens.admin, { name: 'x', site_id: 999999 });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.details[0].path, 'body.site_id');
  });
});
