import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cameraCredentials, decryptSnmpSecrets } from '../inventory/credentials.js';
import { cameraTargetMoved } from './models/camera.js';
import { deviceTargetMoved } from './models/device.js';
import { createTestHub, type TestHub } from './testing.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
type Json = Record<string, any>;

describe('stored secrets do not follow a device or camera to another target', () => {
  let hub: TestHub;
  const op = async (method: string, path: string, body?: unknown) => {
    const res = await hub.req(method, path, { token: hub.tokens.operator, body });
    return { status: res.status, json: (await res.json()) as Json };
  };
  const secretsOf = async (id: number) =>
    decryptSnmpSecrets(hub.ctx.secrets, (await hub.ctx.store.devices.get(id))!);
  const passwordOf = async (id: number) =>
    cameraCredentials(hub.ctx.secrets, (await hub.ctx.store.cameras.get(id))!).password;

  before(async () => {
    hub = await createTestHub();
    for (const name of ['A', 'B']) assert.equal((await op('POST', '/api/v1/sites', { name })).status, 201);
  });
  after(() => hub.close());

  const device = async (name: string, snmp: Json = { version: '2c', community: 'Comm-Secret-1' }) => {
    const r = await op('POST', '/api/v1/devices', { name, ip_address: '10.0.0.5', site_id: 1, snmp });
    assert.equal(r.status, 201);
    return r.json.id as number;
  };
  const camera = async (name: string) => {
    const r = await op('POST', '/api/v1/cameras', {
      name,
      rtsp_url: 'rtsp://viewer:Cam-Secret-1@10.0.0.50:554/stream1',
      site_id: 1,
    });
    assert.equal(r.status, 201);
    return r.json.id as number;
  };

  it('clears the community when only ip_address changes, and says so', async () => {
    const id = await device('sw-ip');
    const r = await op('PUT', `/api/v1/devices/${id}`, { ip_address: '203.0.113.9' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.snmp.has_community, false);
    assert.equal((await secretsOf(id)).community, undefined);
    const audit = await hub.req('GET', `/api/v1/audit?target_type=device&target_id=${id}`, {
      token: hub.tokens.admin,
    });
    const entries = ((await audit.json()) as Json).entries as Json[];
    assert.deepEqual(entries[0]?.details?.secrets_cleared, ['community'], JSON.stringify(entries));
  });

  it('clears v3 keys when the device moves to another site', async () => {
    const id = await device('sw-v3', {
      version: '3',
      username: 'mon',
      auth_protocol: 'sha256',
      auth_key: 'Auth-Secret-1',
      priv_protocol: 'aes',
      priv_key: 'Priv-Secret-1',
    });
    const r = await op('PUT', `/api/v1/devices/${id}`, { site_id: 2 });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.snmp.has_auth_key, false);
    assert.equal(r.json.snmp.has_priv_key, false);
    assert.equal(r.json.snmp.username, 'mon', 'non-secret settings stay');
    assert.deepEqual(await secretsOf(id), {});
  });

  it('keeps the community when the request gives it again with the new address', async () => {
    const id = await device('sw-resupplied');
    const r = await op('PUT', `/api/v1/devices/${id}`, {
      ip_address: '10.0.0.6',
      snmp: { community: 'Comm-Secret-2' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.snmp.has_community, true);
    assert.equal((await secretsOf(id)).community, 'Comm-Secret-2');
  });

  it('keeps the community for changes on the same target (name, SNMP port)', async () => {
    const id = await device('sw-same');
    const r = await op('PUT', `/api/v1/devices/${id}`, {
      name: 'sw-same-2',
      ip_address: '10.0.0.5',
      snmp: { port: 1161 },
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.snmp.has_community, true);
    assert.equal((await secretsOf(id)).community, 'Comm-Secret-1');
  });

  it('clears the camera password when the RTSP host changes', async () => {
    const id = await camera('cam-host');
    const r = await op('PUT', `/api/v1/cameras/${id}`, { rtsp_url: 'rtsp://198.51.100.7:554/stream1' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.has_password, false);
    assert.equal(r.json.username, 'viewer');
    assert.equal(await passwordOf(id), undefined);
  });

  it('clears the camera password when ip_address or site_id changes', async () => {
    for (const change of [{ ip_address: '10.0.0.51' }, { site_id: 2 }]) {
      const id = await camera(`cam-${Object.keys(change)[0]}`);
      const r = await op('PUT', `/api/v1/cameras/${id}`, change);
      assert.equal(r.json.has_password, false, JSON.stringify(change));
    }
  });

  it('clears the camera password when a bulk import moves the camera to another RTSP server', async () => {
    const id = await camera('cam-import');
    const line = { site: 'A', name: 'cam-import', ip_address: '10.0.0.50' };
    const same = await op('POST', '/api/v1/cameras/import', [
      { ...line, rtsp_url: 'rtsp://10.0.0.50/stream9' },
    ]);
    assert.equal(same.status, 200, JSON.stringify(same.json));
    assert.equal(await passwordOf(id), 'Cam-Secret-1', 'another path on the same server keeps it');
    const r = await op('POST', '/api/v1/cameras/import', [
      { ...line, rtsp_url: 'rtsp://198.51.100.8/stream9' },
    ]);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(await passwordOf(id), undefined);
    assert.equal((await op('GET', `/api/v1/cameras/${id}`)).json.has_password, false);
  });

  it('keeps the password for a new path on the same server, or when given again', async () => {
    const id = await camera('cam-path');
    const r = await op('PUT', `/api/v1/cameras/${id}`, { rtsp_url: 'rtsp://10.0.0.50/stream2' });
    assert.equal(r.json.has_password, true);
    assert.equal(await passwordOf(id), 'Cam-Secret-1');
    const moved = await op('PUT', `/api/v1/cameras/${id}`, {
      rtsp_url: 'rtsp://10.0.0.60/stream2',
      password: 'Cam-Secret-2',
    });
    assert.equal(moved.json.has_password, true);
    assert.equal(await passwordOf(id), 'Cam-Secret-2');
  });

  const cameraCases: [string, Json, boolean][] = [
    ['same URL', { rtsp_url: 'rtsp://10.0.0.50:554/s' }, false],
    ['default port written out', { rtsp_url: 'rtsp://10.0.0.50/other' }, false],
    ['a host name instead of the address', { rtsp_url: 'rtsp://cam.example/s' }, true],
    ['another port', { rtsp_url: 'rtsp://10.0.0.50:8554/s' }, true],
    ['rtsps to rtsp is another scheme', { rtsp_url: 'rtsps://10.0.0.50:554/s' }, true],
    ['another ip_address', { ip_address: '10.0.0.51' }, true],
    ['same ip_address', { ip_address: '10.0.0.50' }, false],
    ['another site', { site_id: 2 }, true],
  ];
  for (const [name, input, moved] of cameraCases) {
    it(`camera target moved: ${name} -> ${moved}`, () => {
      const before = { ip_address: '10.0.0.50', site_id: 1, rtsp_url: 'rtsp://10.0.0.50:554/s' };
      assert.equal(cameraTargetMoved(before, input), moved);
    });
  }

  it('device target moved: address or site only', () => {
    const before = { ip_address: '10.0.0.5', site_id: 1 };
    assert.equal(deviceTargetMoved(before, {}), false);
    assert.equal(deviceTargetMoved(before, { ip_address: '10.0.0.5', site_id: 1 }), false);
    assert.equal(deviceTargetMoved(before, { ip_address: '10.0.0.6' }), true);
    assert.equal(deviceTargetMoved(before, { site_id: 2 }), true);
  });
});
