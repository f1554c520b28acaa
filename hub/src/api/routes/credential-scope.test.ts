import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestHub, type TestHub } from '../testing.js';

/**
 * Credential sets are write-only, so where the agent sends them is guarded: discovery stays inside
 * discoveryAllowedNetworks for everyone; a device or camera referencing a credential does too unless an admin
 * asks; a global set is referenced by admins only. Same rules per line in bulk imports.
 */
describe('where credentials may be sent', () => {
  let hub: TestHub;
  let site: number;
  let snmpOwn: number;
  let snmpGlobal: number;
  let camOwn: number;
  let camGlobal: number;
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await hub.req(method, path, { token, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
  };
  const makeSet = async (token: string, body: Record<string, unknown>) => {
    const r = await call('POST', '/api/v1/credential-sets', token, body);
    assert.equal(r.status, 201, r.text);
    return r.body as { snmp: { id: number }[]; camera: { id: number }[] };
  };
  const devicesAt = async (ip: string) =>
    (await hub.ctx.store.devices.forSite(site)).filter((d) => d.ip_address === ip);

  before(async () => {
    hub = await createTestHub();
    site = (await hub.ctx.store.sites.insert({ name: 'shop' }, Date.now())).id;
    const own = await makeSet(hub.tokens.operator, {
      site_id: site,
      name: 'shop',
      snmp: [{ version: '2c', community: 'shop-secret' }],
      camera: [{ username: 'cam', password: 'cam-secret' }],
    });
    const global = await makeSet(hub.tokens.admin, {
      name: 'everywhere',
      snmp: [{ version: '2c', community: 'global-secret' }],
      camera: [{ username: 'cam', password: 'global-cam' }],
    });
    snmpOwn = own.snmp[0]!.id;
    camOwn = own.camera[0]!.id;
    snmpGlobal = global.snmp[0]!.id;
    camGlobal = global.camera[0]!.id;
  });
  after(() => hub.close());

  it('refuses a discovery outside the allowed networks for every role, naming the field and network', async () => {
    for (const role of ['operator', 'admin'] as const) {
      const r = await call('POST', `/api/v1/sites/${site}/discover`, hub.tokens[role], {
        cidrs: ['192.168.1.0/24', '198.51.100.0/24'],
      });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.error.code, 'network_not_allowed');
      assert.equal(r.body.error.details[0].path, 'body.cidrs.1');
      assert.match(r.body.error.message, /198\.51\.100\.0\/24.*discoveryAllowedNetworks/);
    }
    const schedule = await call('PUT', `/api/v1/sites/${site}/discovery-schedule`, hub.tokens.operator, {
      cidrs: ['8.8.8.0/24'],
      interval_s: 86_400,
    });
    assert.equal(schedule.status, 400, schedule.text);
    assert.equal(schedule.body.error.details[0].path, 'body.cidrs.0');
    assert.equal(await hub.ctx.store.topology.schedule(site), undefined, 'no schedule stored');
    // Inside the private ranges, the request passes the rule (and then needs an agent: 422).
    const inside = await call('POST', `/api/v1/sites/${site}/discover`, hub.tokens.operator, {
      cidrs: ['10.1.0.0/24'],
    });
    assert.equal(inside.status, 422, inside.text);
  });

  it('an operator references a site set only at an address inside the networks; an admin anywhere', async () => {
    const body = (ip: string, credential_id: number) => ({
      site_id: site,
      name: `d-${ip}`,
      ip_address: ip,
      credential_id,
    });
    const out = await call('POST', '/api/v1/devices', hub.tokens.operator, body('203.0.113.5', snmpOwn));
    assert.equal(out.status, 400, out.text);
    assert.equal(out.body.error.details[0].path, 'body.ip_address');
    assert.equal((await devicesAt('203.0.113.5')).length, 0, 'nothing written');
    const loop = await call('POST', '/api/v1/devices', hub.tokens.operator, body('127.0.0.1', snmpOwn));
    assert.equal(loop.status, 400, 'loopback is not a site network by default');
    const inside = await call('POST', '/api/v1/devices', hub.tokens.operator, body('10.9.0.1', snmpOwn));
    assert.equal(inside.status, 201, inside.text);
    const admin = await call('POST', '/api/v1/devices', hub.tokens.admin, body('203.0.113.6', snmpOwn));
    assert.equal(admin.status, 201, admin.text);
    // Moving a referencing device out: the reference is dropped unless given again, and then refused.
    const moved = await call('PUT', `/api/v1/devices/${inside.body.id}`, hub.tokens.operator, {
      ip_address: '203.0.113.7',
      credential_id: snmpOwn,
    });
    assert.equal(moved.status, 400, moved.text);
    assert.equal((await hub.ctx.store.devices.get(inside.body.id))?.ip_address, '10.9.0.1', 'unchanged');
    // A device an admin placed outside keeps its reference when an operator renames it.
    const rename = await call('PUT', `/api/v1/devices/${admin.body.id}`, hub.tokens.operator, {
      name: 'edge',
    });
    assert.equal(rename.status, 200, rename.text);
    assert.equal((await hub.ctx.store.devices.get(admin.body.id))?.credential_id, snmpOwn);
  });

  it('a global set is referenced by admins only', async () => {
    const body = { site_id: site, name: 'core', ip_address: '10.9.0.2', credential_id: snmpGlobal };
    const refused = await call('POST', '/api/v1/devices', hub.tokens.operator, body);
    assert.equal(refused.status, 403, refused.text);
    assert.match(refused.body.error.message, /global set.*admin/);
    assert.equal((await devicesAt('10.9.0.2')).length, 0);
    const plain = await call('POST', '/api/v1/devices', hub.tokens.operator, {
      ...body,
      credential_id: undefined,
      snmp: { version: '2c', community: 'own' },
    });
    assert.equal(plain.status, 201, plain.text);
    const ref = await call('PUT', `/api/v1/devices/${plain.body.id}`, hub.tokens.operator, {
      credential_id: snmpGlobal,
    });
    assert.equal(ref.status, 403, ref.text);
    assert.equal((await hub.ctx.store.devices.get(plain.body.id))?.credential_id, null);
    const admin = await call('PUT', `/api/v1/devices/${plain.body.id}`, hub.tokens.admin, {
      credential_id: snmpGlobal,
    });
    assert.equal(admin.status, 200, admin.text);
  });

  it('cameras: both the address and the RTSP host must be inside, and global logins need an admin', async () => {
    const cam = (rtsp_url: string, credential_id: number, extra: Record<string, unknown> = {}) => ({
      site_id: site,
      name: `c-${rtsp_url.length}-${credential_id}`,
      rtsp_url,
      credential_id,
      ...extra,
    });
    const out = await call(
      'POST',
      '/api/v1/cameras',
      hub.tokens.operator,
      cam('rtsp://198.51.100.9/s', camOwn),
    );
    assert.equal(out.status, 400, out.text);
    assert.equal(out.body.error.details[0].path, 'body.ip_address');
    const byName = await call(
      'POST',
      '/api/v1/cameras',
      hub.tokens.operator,
      cam('rtsp://cams.example.net/s', camOwn, { ip_address: '10.9.1.1' }),
    );
    assert.equal(byName.status, 400, byName.text);
    assert.equal(byName.body.error.details[0].path, 'body.rtsp_url', 'a host name could resolve anywhere');
    const global = await call(
      'POST',
      '/api/v1/cameras',
      hub.tokens.operator,
      cam('rtsp://10.9.1.2/s', camGlobal),
    );
    assert.equal(global.status, 403, global.text);
    assert.equal((await hub.ctx.store.cameras.forSite(site)).length, 0, 'nothing written');
    const ok = await call('POST', '/api/v1/cameras', hub.tokens.operator, cam('rtsp://10.9.1.3/s', camOwn));
    assert.equal(ok.status, 201, ok.text);
    const moved = await call('PUT', `/api/v1/cameras/${ok.body.id}`, hub.tokens.operator, {
      rtsp_url: 'rtsp://203.0.113.20/s',
      ip_address: '203.0.113.20',
      credential_id: camOwn,
    });
    assert.equal(moved.status, 400, moved.text);
    const admin = await call(
      'POST',
      '/api/v1/cameras',
      hub.tokens.admin,
      cam('rtsp://198.51.100.10/s', camGlobal),
    );
    assert.equal(admin.status, 201, admin.text);
  });

  it('bulk import refuses the same lines (line, column, why), dry run included; admins are not refused', async () => {
    const csv = [
      'site,name,ip_address,credential_id',
      `shop,b-in,10.9.2.1,${snmpOwn}`,
      `shop,b-out,198.51.100.30,${snmpOwn}`,
      `shop,b-global,10.9.2.2,${snmpGlobal}`,
    ].join('\n');
    const post = (token: string, dry: boolean) =>
      hub.req('POST', `/api/v1/devices/import${dry ? '?dry_run=true' : ''}`, {
        token,
        body: csv,
        headers: { 'content-type': 'text/csv' },
      });
    for (const dry of [true, false]) {
      const out = (await (await post(hub.tokens.operator, dry)).json()) as {
        lines: { line: number; action: string; errors: { field: string; message: string }[] }[];
      };
      assert.deepEqual(
        out.lines.map((l) => [l.line, l.action, l.errors[0]?.field]),
        [
          [2, 'create', undefined],
          [3, 'refused', 'ip_address'],
          [4, 'refused', 'credential_id'],
        ],
        `dry_run=${dry}`,
      );
      assert.match(out.lines[1]!.errors[0]!.message, /discoveryAllowedNetworks/);
    }
    assert.equal((await devicesAt('198.51.100.30')).length, 0);
    assert.equal((await devicesAt('10.9.2.1')).length, 1);
    const cams = await hub.req('POST', '/api/v1/cameras/import', {
      token: hub.tokens.operator,
      body: `site,name,rtsp_url,credential_id\nshop,bc-out,rtsp://198.51.100.31/s,${camOwn}\n`,
      headers: { 'content-type': 'text/csv' },
    });
    const camOut = (await cams.json()) as { lines: { action: string; errors: { field: string }[] }[] };
    assert.equal(camOut.lines[0]?.action, 'refused');
    assert.equal(camOut.lines[0]?.errors[0]?.field, 'ip_address');
    const admin = (await (await post(hub.tokens.admin, false)).json()) as { lines: { action: string }[] };
    assert.deepEqual(
      admin.lines.map((l) => l.action),
      ['unchanged', 'create', 'create'],
    );
  });
});

describe('discoveryAllowedNetworks', () => {
  it('is validated at load, naming the key', async () => {
    await assert.rejects(
      createTestHub({ discoveryAllowedNetworks: '10.0.0.0/8,intranet' }),
      /discoveryAllowedNetworks/,
    );
  });

  it('an admin can widen it: a listed public range is then allowed', async () => {
    const hub = await createTestHub({ discoveryAllowedNetworks: '10.0.0.0/8,198.51.100.0/24' });
    try {
      const site = (await hub.ctx.store.sites.insert({ name: 'lab' }, Date.now())).id;
      const r = await hub.req('POST', `/api/v1/sites/${site}/discover`, {
        token: hub.tokens.operator,
        body: { cidrs: ['198.51.100.0/25'] },
      });
      assert.equal(r.status, 422, 'past the network rule; no agent connected');
      const priv = await hub.req('POST', `/api/v1/sites/${site}/discover`, {
        token: hub.tokens.operator,
        body: { cidrs: ['192.168.0.0/24'] },
      });
      assert.equal(priv.status, 400, 'the setting replaces the default list');
    } finally {
      await hub.close();
    }
  });
});
