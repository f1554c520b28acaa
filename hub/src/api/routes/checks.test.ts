import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigSchema } from '@outpost/protocol';
import type { HubEventMap } from '../../events.js';
import { buildSiteConfig } from '../../link/site-config.js';
import { createTestHub, type TestHub } from '../testing.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
type Json = Record<string, any>;

describe('checks API', () => {
  let hub: TestHub;
  let site = 0;
  let isp = 0;
  let sw = 0;
  const events: HubEventMap['inventory.changed'][] = [];
  const call = async (
    role: 'viewer' | 'operator' | 'admin',
    method: string,
    path: string,
    body?: unknown,
  ) => {
    const res = await hub.req(method, `/api/v1${path}`, { token: hub.tokens[role], body });
    return { status: res.status, json: (res.status === 204 ? {} : await res.json()) as Json };
  };
  const op = (method: string, path: string, body?: unknown) => call('operator', method, path, body);

  before(async () => {
    hub = await createTestHub();
    hub.ctx.events.on('inventory.changed', (e) => events.push(e));
    site = (await op('POST', '/sites', { name: 'Clinic' })).json.id;
    const r = await op('POST', '/devices', {
      name: 'isp-router',
      ip_address: '192.0.2.1',
      site_id: site,
      snmp: null,
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    isp = r.json.id;
    sw = (
      await op('POST', '/devices', {
        name: 'sw',
        ip_address: '192.0.2.2',
        site_id: site,
        snmp: { version: '2c', community: 'c0mmunity' },
      })
    ).json.id;
  });
  after(() => hub.close());

  it('creates a device without SNMP: snmp is null', async () => {
    const d = await op('GET', `/devices/${isp}`);
    assert.equal(d.json.snmp, null);
    assert.equal(d.json.status, 'unknown');
    // Without snmp and without a credential the device is refused: no SNMP is said with snmp: null.
    const r = await op('POST', '/devices', { name: 'forgot', ip_address: '192.0.2.3', site_id: site });
    assert.equal(r.status, 422, JSON.stringify(r.json));
    assert.equal(r.json.error.details[0].path, 'body.snmp');
    const both = await op('POST', '/devices', {
      name: 'both',
      ip_address: '192.0.2.3',
      site_id: site,
      snmp: null,
      credential_id: 1,
    });
    assert.equal(both.status, 422, JSON.stringify(both.json));
    assert.equal(both.json.error.details[0].path, 'body.credential_id');
  });

  it('adds a check with the kind defaults filled, its target worded, and announces the change', async () => {
    events.length = 0;
    const r = await op('POST', '/checks', {
      device_id: isp,
      name: 'web page',
      kind: 'http',
      params: { url: 'https://192.0.2.1/', verify_tls: false },
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.equal(r.json.site_id, site);
    assert.equal(r.json.target, 'https://192.0.2.1/');
    assert.equal(r.json.interval_s, 60);
    assert.equal(r.json.timeout_ms, 5000);
    assert.equal(r.json.enabled, true);
    assert.equal(r.json.status, 'unknown');
    assert.deepEqual(r.json.params, {
      url: 'https://192.0.2.1/',
      method: 'GET',
      expect_status: '200-399',
      keyword_absent: false,
      max_redirects: 5,
      verify_tls: false,
    });
    assert.deepEqual(events, [{ site_id: site, kind: 'check', id: r.json.id, change: 'created' }]);
  });

  const refused: [string, Json, number, string][] = [
    ['a tcp check without a port', { kind: 'tcp', params: { host: '192.0.2.1' } }, 400, 'body.params.port'],
    ['an unknown kind', { kind: 'smtp', params: {} }, 400, 'body.kind'],
    [
      'an unknown parameter',
      { kind: 'tcp', params: { host: 'h', port: 1, colour: 'red' } },
      400,
      'body.params.colour',
    ],
    ['an interval below 5 s', { kind: 'icmp', interval_s: 1, params: { host: 'h' } }, 400, 'body.interval_s'],
    [
      'a device that does not exist',
      { device_id: 99999, kind: 'icmp', params: { host: 'h' } },
      422,
      'body.device_id',
    ],
  ];
  for (const [what, fields, status, path] of refused) {
    it(`refuses ${what}, naming the field, and stores nothing`, async () => {
      const before = (await op('GET', '/checks')).json.checks.length;
      const r = await op('POST', '/checks', { device_id: isp, name: `c-${what}`, ...fields });
      assert.equal(r.status, status, JSON.stringify(r.json));
      assert.ok(
        (r.json.error.details as { path: string }[]).some((d) => d.path === path),
        JSON.stringify(r.json.error),
      );
      assert.equal((await op('GET', '/checks')).json.checks.length, before);
    });
  }

  it('refuses a second check of the same name on a device with 409', async () => {
    const body = { device_id: sw, name: 'ssh', kind: 'tcp', params: { host: '192.0.2.2', port: 22 } };
    assert.equal((await op('POST', '/checks', body)).status, 201);
    const again = await op('POST', '/checks', body);
    assert.equal(again.status, 409);
    assert.match(again.json.error.message, /already has a check named "ssh"/);
  });

  it('lets viewers read and list checks, not add them', async () => {
    const list = await call('viewer', 'GET', `/checks?device_id=${isp}`);
    assert.deepEqual(
      list.json.checks.map((c: Json) => c.name),
      ['web page'],
    );
    const denied = await call('viewer', 'POST', '/checks', {
      device_id: isp,
      name: 'ping',
      kind: 'icmp',
      params: { host: '192.0.2.1' },
    });
    assert.equal(denied.status, 403);
  });

  it('lists the kinds with their parameters as JSON Schema and their metrics', async () => {
    const r = await call('viewer', 'GET', '/checks/kinds');
    assert.deepEqual(
      r.json.kinds.map((k: Json) => k.kind),
      ['icmp', 'tcp', 'http', 'dns'],
    );
    const tcp = r.json.kinds.find((k: Json) => k.kind === 'tcp');
    assert.deepEqual(tcp.params.required, ['host', 'port']);
    assert.equal(tcp.metrics[0].name, 'tcp_connect_ms');
    const http = r.json.kinds.find((k: Json) => k.kind === 'http');
    assert.equal(http.params.properties.max_redirects.default, 5);
  });

  it('updates only what is given, needs params with a new kind, replaces params whole', async () => {
    const c = (await op('GET', `/checks?device_id=${sw}`)).json.checks[0];
    const noParams = await op('PUT', `/checks/${c.id}`, { kind: 'icmp' });
    assert.equal(noParams.status, 400);
    assert.equal(noParams.json.error.details[0].path, 'body.params');
    const bad = await op('PUT', `/checks/${c.id}`, { params: { host: '192.0.2.2', port: 0 } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.details[0].path, 'body.params.port');
    const u = await op('PUT', `/checks/${c.id}`, {
      kind: 'icmp',
      params: { host: '192.0.2.2' },
      enabled: false,
    });
    assert.equal(u.status, 200, JSON.stringify(u.json));
    assert.equal(u.json.name, 'ssh');
    assert.equal(u.json.kind, 'icmp');
    assert.deepEqual(u.json.params, { host: '192.0.2.2', count: 3, interval_ms: 250 });
    assert.equal(u.json.enabled, false);
  });

  it('puts the enabled checks in the site config, and leaves a device without SNMP out of its devices', async () => {
    const { body, skipped } = await buildSiteConfig(hub.ctx.store, site, (b) => hub.ctx.secrets.decrypt(b), {
      heartbeat_s: 30,
      batch_max_delay_ms: 1000,
    });
    assert.deepEqual(skipped, []);
    assert.deepEqual(
      body.devices.map((d) => d.name),
      ['sw'],
    );
    assert.deepEqual(
      body.checks?.map((c) => [c.device_id, c.name, c.kind]),
      [[isp, 'web page', 'http']],
      'the disabled check stays home',
    );
    const parsed = ConfigSchema.safeParse({ v: 1, version: 1, issued_at: Date.now(), ...body });
    assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
  });

  it('deletes a check (admin), and the check goes with its device', async () => {
    const c = (await op('GET', `/checks?device_id=${sw}`)).json.checks[0];
    assert.equal((await op('DELETE', `/checks/${c.id}`)).status, 403);
    assert.equal((await call('admin', 'DELETE', `/checks/${c.id}`)).status, 204);
    assert.equal((await op('GET', `/checks/${c.id}`)).status, 404);
    assert.equal((await call('admin', 'DELETE', `/devices/${isp}`)).status, 204);
    assert.deepEqual((await op('GET', '/checks')).json.checks, []);
  });
});
