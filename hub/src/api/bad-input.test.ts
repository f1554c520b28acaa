import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dumpTables } from '../store/sqlite/inspect.testing.js';
import { createTestHub, type TestHub } from './testing.js';

/** Every table but the audit log (which records the refused attempts), as sorted JSON rows. */
function snapshot(hub: TestHub): string {
  const { audit_log: _audit, ...rest } = dumpTables(hub.ctx.store);
  return JSON.stringify(rest);
}

const DEVICE = {
  name: 'sw1',
  ip_address: '10.0.0.1',
  site_id: 1,
  snmp: { version: '2c', community: 'c0mmunity' },
};
const CAMERA = { name: 'cam1', rtsp_url: 'rtsp://10.0.0.9/live', site_id: 1 };

/** [method, path, body, expected status, why]. Every case must change nothing. */
const CASES: [string, string, unknown, number, string][] = [
  ['POST', '/api/v1/sites', {}, 400, 'missing name'],
  ['POST', '/api/v1/sites', { name: 'x', extra: 1 }, 400, 'extra field'],
  ['POST', '/api/v1/sites', { name: 42 }, 400, 'wrong type'],
  ['POST', '/api/v1/sites', { name: '   ' }, 400, 'blank name'],
  ['POST', '/api/v1/sites', { name: 'a\u0000b' }, 400, 'control character'],
  ['POST', '/api/v1/sites', { name: 'x', timezone: 'Mars/Olympus' }, 400, 'unknown time zone'],
  ['POST', '/api/v1/sites', { name: 'Base' }, 409, 'duplicate name (case-insensitive)'],
  ['PUT', '/api/v1/sites/1', { name: null }, 400, 'null name'],
  ['PUT', '/api/v1/sites/abc', { name: 'x' }, 400, 'non-integer id'],
  ['POST', '/api/v1/devices', { ...DEVICE, ip_address: '10.0.0.256' }, 400, 'invalid IPv4'],
  ['POST', '/api/v1/devices', { ...DEVICE, ip_address: '2001:db8::g' }, 400, 'invalid IPv6'],
  ['POST', '/api/v1/devices', { ...DEVICE, ip_address: "1.1.1.1' OR '1'='1" }, 400, 'SQL in an IP'],
  ['POST', '/api/v1/devices', { ...DEVICE, site_id: '1' }, 400, 'site_id as a string'],
  ['POST', '/api/v1/devices', { ...DEVICE, site_id: 999 }, 422, 'unknown site'],
  ['POST', '/api/v1/devices', { ...DEVICE, parent_id: 999 }, 422, 'unknown parent'],
  ['POST', '/api/v1/devices', { ...DEVICE, poll_interval_s: 4 }, 400, 'poll interval under 5 s'],
  ['POST', '/api/v1/devices', { ...DEVICE, device_type: 'toaster' }, 400, 'unknown device type'],
  ['POST', '/api/v1/devices', { ...DEVICE, snmp: { version: '2c' } }, 400, 'v2c without community'],
  ['POST', '/api/v1/devices', { ...DEVICE, snmp: { version: '3' } }, 400, 'v3 without username'],
  [
    'POST',
    '/api/v1/devices',
    { ...DEVICE, snmp: { version: '3', username: 'u', community: 'x' } },
    400,
    'community on v3',
  ],
  [
    'POST',
    '/api/v1/devices',
    { ...DEVICE, snmp: { version: '3', username: 'u', security_level: 'authPriv' } },
    400,
    'authPriv without keys',
  ],
  [
    'POST',
    '/api/v1/devices',
    { ...DEVICE, snmp: { version: '2c', community: 'c', port: 70000 } },
    400,
    'port out of range',
  ],
  [
    'POST',
    '/api/v1/devices',
    { ...DEVICE, snmp: { ...DEVICE.snmp, extra: true } },
    400,
    'nested extra field',
  ],
  ['POST', '/api/v1/devices', [DEVICE], 400, 'an array'],
  ['PUT', '/api/v1/devices/1', { parent_id: 1 }, 422, 'own parent'],
  ['PUT', '/api/v1/devices/1', { ip_address: '300.1.1.1' }, 400, 'invalid IP on update'],
  ['PUT', '/api/v1/devices/1', { snmp: { version: '3' } }, 400, 'switch to v3 without username'],
  ['PUT', '/api/v1/devices/999', { name: 'x' }, 404, 'unknown device'],
  ['POST', '/api/v1/cameras', { ...CAMERA, rtsp_url: 'http://10.0.0.9/live' }, 400, 'not rtsp'],
  [
    'POST',
    '/api/v1/cameras',
    { ...CAMERA, rtsp_url: 'rtsp://cam.local/live' },
    400,
    'host name without ip_address',
  ],
  ['POST', '/api/v1/cameras', { ...CAMERA, ip_address: '10.0.0' }, 400, 'invalid camera IP'],
  ['POST', '/api/v1/cameras', { ...CAMERA, site_id: 999 }, 422, 'unknown site'],
  ['POST', '/api/v1/alerts', { severity: 'urgent', title: 'x' }, 400, 'unknown severity'],
  ['POST', '/api/v1/alerts', { severity: 'high' }, 400, 'missing title'],
  ['POST', '/api/v1/alerts', { severity: 'high', title: 'x', device_id: 999 }, 422, 'unknown device'],
  ['POST', '/api/v1/alerts/acknowledge-all', { severity: ['bogus'] }, 400, 'unknown severity in filter'],
  ['POST', '/api/v1/alerts/999/acknowledge', {}, 404, 'unknown alert'],
  ['POST', '/api/v1/users', { username: 'new', role: 'viewer', password: 'short' }, 422, 'weak password'],
  [
    'POST',
    '/api/v1/users',
    { username: 'new', role: 'viewer', password: 'new-password-1234' },
    422,
    'contains username',
  ],
  [
    'POST',
    '/api/v1/users',
    { username: 'a b', role: 'viewer', password: 'Good-passphrase-42' },
    400,
    'bad username',
  ],
  [
    'POST',
    '/api/v1/users',
    { username: 'bob', role: 'root', password: 'Good-passphrase-42' },
    400,
    'unknown role',
  ],
  [
    'POST',
    '/api/v1/users',
    { username: 'ADMIN', role: 'viewer', password: 'Good-passphrase-42' },
    409,
    'duplicate user',
  ],
  ['PUT', '/api/v1/users/1', { role: 'viewer' }, 409, 'demoting the last admin'],
  ['DELETE', '/api/v1/users/1', undefined, 409, 'deleting the last admin'],
  ['DELETE', '/api/v1/sites/1', undefined, 409, 'deleting a site that has devices'],
  ['POST', '/api/v1/auth/login', { username: 'admin' }, 400, 'login without password'],
  [
    'POST',
    '/api/v1/auth/change-password',
    { current_password: 'x', new_password: 'y', more: 1 },
    400,
    'extra field',
  ],
];

describe('bad input on write routes', () => {
  let hub: TestHub;
  let writeRoutes: { method: string; path: string }[];
  before(async () => {
    hub = await createTestHub({ bodyLimitBytes: 4096 });
    const t = hub.tokens.operator;
    assert.equal((await hub.req('POST', '/api/v1/sites', { token: t, body: { name: 'base' } })).status, 201);
    assert.equal((await hub.req('POST', '/api/v1/devices', { token: t, body: DEVICE })).status, 201);
    assert.equal((await hub.req('POST', '/api/v1/cameras', { token: t, body: CAMERA })).status, 201);
    assert.equal(
      (await hub.req('POST', '/api/v1/alerts', { token: t, body: { severity: 'low', title: 't' } })).status,
      201,
    );
    const doc = (await (await hub.req('GET', '/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
    };
    writeRoutes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.requestBody?.content?.['application/json'])
        .map(([method]) => ({ method: method.toUpperCase(), path: path.replaceAll(/\{[^}]+\}/g, '1') })),
    );
  });
  after(() => hub.close());

  for (const [method, path, body, status, why] of CASES) {
    it(`${method} ${path}: ${why} -> ${status}, nothing changed`, async () => {
      const before = snapshot(hub);
      const res = await hub.req(method, path, { token: hub.tokens.admin, body });
      const text = await res.text();
      assert.equal(res.status, status, text);
      const err = JSON.parse(text) as {
        error: { code: string; message: string; details?: { path: string }[] };
      };
      assert.equal(typeof err.error.code, 'string');
      if (status === 400 && err.error.code === 'validation_failed') {
        assert.ok(err.error.details && err.error.details.length > 0, 'validation errors name their fields');
        for (const d of err.error.details) assert.match(d.path, /^(body|query|path)(\.|$)/);
      }
      assert.equal(snapshot(hub), before);
    });
  }

  it('names the unknown field and the bad nested field', async () => {
    const res = await hub.req('POST', '/api/v1/devices', {
      token: hub.tokens.admin,
      body: { ...DEVICE, snmp: { version: '2c', community: 'c', port: 'x' }, colour: 'red' },
    });
    const { error } = (await res.json()) as { error: { details: { path: string }[] } };
    const paths = error.details.map((d) => d.path).sort();
    assert.deepEqual(paths, ['body.colour', 'body.snmp.port']);
  });

  it('answers 415 to a wrong content type, 400 to malformed JSON and 413 to an oversized body on every JSON write route', async () => {
    assert.ok(writeRoutes.length >= 15, `only ${writeRoutes.length} JSON write routes found`);
    for (const { method, path } of writeRoutes) {
      const before = snapshot(hub);
      const opts = (body: string, type: string) => ({
        token: hub.tokens.admin,
        body,
        headers: { 'content-type': type },
      });
      const wrongType = await hub.req(method, path, opts('name=x', 'text/plain'));
      assert.equal(wrongType.status, 415, `${method} ${path} text/plain`);
      const malformed = await hub.req(method, path, opts('{"name": ', 'application/json'));
      assert.ok(
        [400, 404].includes(malformed.status),
        `${method} ${path} malformed JSON: ${malformed.status}`,
      );
      const big = await hub.req(
        method,
        path,
        opts(JSON.stringify({ name: 'x'.repeat(5000) }), 'application/json'),
      );
      assert.equal(big.status, 413, `${method} ${path} oversized`);
      assert.equal(((await big.json()) as { error: { code: string } }).error.code, 'payload_too_large');
      assert.equal(snapshot(hub), before, `${method} ${path} changed the database`);
    }
  });

  it('stores unicode and SQL-looking text verbatim and leaves the tables intact', async () => {
    const names = [
      '店舗 – Zürich 🚀',
      "Robert'); DROP TABLE devices;--",
      '%_\\ like wildcards',
      '"quotes" <b>html</b>',
    ];
    for (const name of names) {
      const res = await hub.req('POST', '/api/v1/devices', {
        token: hub.tokens.operator,
        body: { ...DEVICE, name },
      });
      assert.equal(res.status, 201);
      const { id } = (await res.json()) as { id: number };
      const back = (await (
        await hub.req('GET', `/api/v1/devices/${id}`, { token: hub.tokens.viewer })
      ).json()) as { name: string };
      assert.equal(back.name, name);
    }
    const search = await hub.req('GET', `/api/v1/devices?q=${encodeURIComponent('%_')}`, {
      token: hub.tokens.viewer,
    });
    const found = (await search.json()) as { devices: { name: string }[] };
    assert.deepEqual(
      found.devices.map((d) => d.name),
      ['%_\\ like wildcards'],
      'LIKE wildcards in q are literal',
    );
    const { total } = await hub.ctx.store.devices.list({}, 'id', 'asc', 1, 1);
    assert.equal(total, 5);
  });

  it('rejects unknown query parameters and bad sort keys', async () => {
    for (const q of [
      'sort=password_hash',
      'order=sideways',
      'per_page=100000',
      'page=0',
      'status=sleeping',
      'bogus=1',
    ]) {
      const res = await hub.req('GET', `/api/v1/devices?${q}`, { token: hub.tokens.viewer });
      assert.equal(res.status, 400, q);
    }
  });
});
