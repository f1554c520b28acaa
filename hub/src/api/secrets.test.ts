import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cameraCredentials, deviceSnmpCredentials } from '../inventory/credentials.js';
import { buildSiteConfig } from '../link/site-config.js';
import { SiteNetworks } from '../net/site-networks.js';
import { checkpoint } from '../store/sqlite/inspect.testing.js';
import { listRoutes } from './access.js';
import { createTestHub, type TestHub } from './testing.js';

const SECRETS = {
  community: 'Comm-S3cret-XYZ',
  community2: 'Comm-Upd4ted-QRS',
  authKey: 'AuthKey-S3cret-123',
  privKey: 'PrivKey-S3cret-456',
  urlPassword: 'UrlPass-S3cret-789',
  camPassword: 'CamPass-S3cret-000',
  trapCommunity: 'TrapComm-S3cret-111',
  trapAuthKey: 'TrapAuth-S3cret-222',
  trapPrivKey: 'TrapPriv-S3cret-333',
};

describe('secrets are write-only', () => {
  let hub: TestHub;
  const responses: string[] = [];
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await hub.req(method, path, { token: hub.tokens.admin, body });
    const text = await res.text();
    responses.push(`${method} ${path} ${res.status} ${text}`);
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  before(async () => {
    hub = await createTestHub();
    assert.equal((await send('POST', '/api/v1/sites', { name: 'HQ' })).status, 201);
    const v2 = await send('POST', '/api/v1/devices', {
      name: 'core',
      ip_address: '192.0.2.1',
      site_id: 1,
      snmp: { version: '2c', community: SECRETS.community },
    });
    assert.equal(v2.status, 201);
    const v3 = await send('POST', '/api/v1/devices', {
      name: 'edge',
      ip_address: '2001:db8::1',
      site_id: 1,
      snmp: {
        version: '3',
        username: 'monitor',
        auth_protocol: 'sha256',
        auth_key: SECRETS.authKey,
        priv_protocol: 'aes',
        priv_key: SECRETS.privKey,
      },
    });
    assert.equal(v3.status, 201);
    assert.deepEqual(v3.json.snmp, {
      version: '3',
      port: 161,
      username: 'monitor',
      security_level: 'authPriv',
      auth_protocol: 'sha256',
      priv_protocol: 'aes',
      has_community: false,
      has_auth_key: true,
      has_priv_key: true,
    });
    const cam = await send('POST', '/api/v1/cameras', {
      name: 'door',
      rtsp_url: `rtsp://viewer:${SECRETS.urlPassword}@192.0.2.50:554/stream1`,
      site_id: 1,
    });
    assert.equal(cam.status, 201);
    assert.equal(cam.json.rtsp_url, 'rtsp://192.0.2.50:554/stream1');
    assert.equal(cam.json.username, 'viewer');
    assert.equal(cam.json.has_password, true);
    const cam2 = await send('POST', '/api/v1/cameras', {
      name: 'yard',
      rtsp_url: 'rtsp://192.0.2.51/h264',
      username: 'admin',
      password: SECRETS.camPassword,
      site_id: 1,
    });
    assert.equal(cam2.status, 201);
    // Updates that keep and replace secrets; a refused one carrying a secret.
    assert.equal(
      (await send('PUT', '/api/v1/devices/1', { name: 'core-1', snmp: { port: 1161 } })).status,
      200,
    );
    assert.equal(
      (await send('PUT', '/api/v1/devices/1', { snmp: { community: SECRETS.community2 } })).status,
      200,
    );
    assert.equal(
      (
        await send('POST', '/api/v1/devices', {
          name: 'x',
          ip_address: 'bad',
          site_id: 1,
          snmp: { version: '2c', community: SECRETS.community },
        })
      ).status,
      400,
    );
    // A site's trap receiver with a community and a v3 inform user; then an update that keeps the keys.
    const traps = await send('PUT', '/api/v1/sites/1/traps', {
      enabled: true,
      communities: [SECRETS.trapCommunity],
      users: [
        {
          username: 'ups-informer',
          auth_protocol: 'sha',
          auth_key: SECRETS.trapAuthKey,
          priv_protocol: 'aes',
          priv_key: SECRETS.trapPrivKey,
        },
      ],
    });
    assert.equal(traps.status, 200, JSON.stringify(traps.json));
    const kept = await send('PUT', '/api/v1/sites/1/traps', {
      port: 1163,
      users: [{ username: 'ups-informer' }],
    });
    assert.deepEqual(kept.json.users, [
      {
        username: 'ups-informer',
        security_level: 'authPriv',
        auth_protocol: 'sha',
        priv_protocol: 'aes',
        has_auth_key: true,
        has_priv_key: true,
      },
    ]);
    assert.equal(kept.json.communities_set, 1);
    // Every GET route an admin can call, with the ids that exist.
    for (const r of listRoutes(hub.app)) {
      if (r.method !== 'GET' || r.hidden || r.path.includes('events') || r.path.includes('live')) continue;
      for (const id of ['1', '2']) {
        const res = await hub.req('GET', r.path.replaceAll(/\{[^}]+\}/g, id), { token: hub.tokens.admin });
        const type = res.headers.get('content-type') ?? '';
        responses.push(type.includes('json') || type.includes('text') ? await res.text() : '');
      }
    }
  });
  after(() => hub.close());

  it('stores them (the agent config can get them back)', async () => {
    const { devices, cameras } = hub.ctx.store;
    const d1 = deviceSnmpCredentials(hub.ctx.secrets, (await devices.get(1))!);
    assert.deepEqual(d1, {
      port: 1161,
      timeout_ms: undefined,
      retries: undefined,
      snmp: { version: '2c', community: SECRETS.community2 },
    });
    const d2 = deviceSnmpCredentials(hub.ctx.secrets, (await devices.get(2))!);
    assert.equal(d2?.snmp.version === '3' && d2.snmp.auth_key, SECRETS.authKey);
    const { body } = await buildSiteConfig(hub.ctx.store, 1, (b) => hub.ctx.secrets.decrypt(b), {
      heartbeat_s: 30,
      batch_max_delay_ms: 1000,
    });
    assert.deepEqual(body.traps?.communities, [SECRETS.trapCommunity]);
    assert.deepEqual(body.traps?.users, [
      {
        username: 'ups-informer',
        security_level: 'authPriv',
        auth_protocol: 'sha',
        auth_key: SECRETS.trapAuthKey,
        priv_protocol: 'aes',
        priv_key: SECRETS.trapPrivKey,
      },
    ]);
    assert.equal(body.traps?.port, 1163);
    assert.ok(
      body.devices.every((d) => d.try_site_communities === undefined),
      'no device may get the site communities without the allowed networks',
    );
    // Only a device whose address is inside discoveryAllowedNetworks may be sent the site's other communities.
    const marked = await buildSiteConfig(
      hub.ctx.store,
      1,
      (b) => hub.ctx.secrets.decrypt(b),
      { heartbeat_s: 30, batch_max_delay_ms: 1000 },
      undefined,
      new SiteNetworks(['192.0.2.0/24']),
    );
    assert.deepEqual(
      marked.body.devices.map((d) => [d.ip_address, d.try_site_communities]),
      [
        ['192.0.2.1', true],
        ['2001:db8::1', undefined],
      ],
    );
    assert.deepEqual(cameraCredentials(hub.ctx.secrets, (await cameras.get(1))!), {
      username: 'viewer',
      password: SECRETS.urlPassword,
    });
    assert.deepEqual(cameraCredentials(hub.ctx.secrets, (await cameras.get(2))!), {
      username: 'admin',
      password: SECRETS.camPassword,
    });
  });

  it('never returns them in any response', () => {
    assert.ok(responses.length > 30, `only ${responses.length} responses checked`);
    const all = responses.join('\n');
    for (const [name, value] of Object.entries(SECRETS))
      assert.ok(!all.includes(value), `${name} in a response`);
  });

  it('never writes them to a log line', () => {
    assert.ok(hub.logs.length > 30, 'the requests were logged');
    const all = hub.logs.join('\n');
    for (const [name, value] of Object.entries(SECRETS))
      assert.ok(!all.includes(value), `${name} in the logs`);
  });

  it('keeps them out of the database file in clear', async () => {
    checkpoint(hub.ctx.store);
    for (const file of ['hub.db', 'hub.db-wal']) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(hub.dir, file));
      } catch {
        continue;
      }
      for (const [name, value] of Object.entries(SECRETS)) {
        assert.equal(bytes.indexOf(value), -1, `${name} in ${file}`);
        assert.equal(bytes.indexOf(Buffer.from(value, 'utf16le')), -1, `${name} in ${file} (utf16)`);
      }
    }
    assert.match((await hub.ctx.store.devices.get(1))?.snmp_secret ?? '', /^v1:/);
  });
});
