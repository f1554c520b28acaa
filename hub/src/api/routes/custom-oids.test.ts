import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildSiteConfig } from '../../link/site-config.js';
import { createTestHub, type TestHub } from '../testing.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
type Json = Record<string, any>;

describe('custom OIDs API', () => {
  let hub: TestHub;
  let site = 0;
  let ups = 0;
  let web = 0;
  const op = async (method: string, path: string, body?: unknown) => {
    const res = await hub.req(method, `/api/v1${path}`, { token: hub.tokens.operator, body });
    return { status: res.status, json: (await res.json()) as Json };
  };

  before(async () => {
    hub = await createTestHub();
    site = (await op('POST', '/sites', { name: 'Clinic' })).json.id;
    ups = (
      await op('POST', '/devices', {
        name: 'ups',
        ip_address: '192.0.2.9',
        site_id: site,
        snmp: { version: '2c', community: 'c0mmunity' },
      })
    ).json.id;
    web = (
      await op('POST', '/devices', {
        name: 'website',
        ip_address: '192.0.2.80',
        site_id: site,
        snmp: null,
      })
    ).json.id;
  });
  after(() => hub.close());

  it("stores a device's list and a site's list, normalised with the protocol's defaults, into the config", async () => {
    const d = await op('PUT', `/devices/${ups}/custom-oids`, {
      custom_oids: [
        { oid: '.1.3.6.1.4.1.318.1.1.1.2.3.2.0', name: 'ups_battery_temp', unit: 'celsius', scale: 0.1 },
      ],
    });
    assert.equal(d.status, 200, JSON.stringify(d.json));
    assert.deepEqual(d.json.custom_oids, [
      {
        oid: '1.3.6.1.4.1.318.1.1.1.2.3.2.0',
        name: 'ups_battery_temp',
        type: 'gauge',
        unit: 'celsius',
        scale: 0.1,
        walk: false,
      },
    ]);
    const s = await op('PUT', `/sites/${site}/custom-oids`, {
      custom_oids: [
        {
          oid: '1.3.6.1.4.1.99999.1.2',
          name: 'zone_state',
          type: 'string',
          walk: true,
          sys_object_id: '1.3.6.1.4.1.99999',
        },
      ],
    });
    assert.equal(s.status, 200, JSON.stringify(s.json));
    assert.deepEqual((await op('GET', `/devices/${ups}/custom-oids`)).json, d.json);
    const { body } = await buildSiteConfig(hub.ctx.store, site, (b) => hub.ctx.secrets.decrypt(b), {
      heartbeat_s: 30,
      batch_max_delay_ms: 1000,
    });
    assert.deepEqual(body.devices[0]?.custom_oids, d.json.custom_oids);
    assert.deepEqual(body.custom_oids, s.json.custom_oids);
  });

  it('refuses bad entries naming each field, and keeps the stored list', async () => {
    const r = await op('PUT', `/devices/${ups}/custom-oids`, {
      custom_oids: [
        { oid: 'iso.3.6.1', name: 'a' },
        { oid: '1.3.6.1.2', name: 'b', scale: 0 },
        { oid: '1.3.6.1.3', name: 'b' },
        { oid: '1.3.6.1.4', name: 'c', sys_object_id: '1.3.6.1.4.1.9' },
      ],
    });
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.json.error.details.map((d: Json) => d.path),
      [
        'body.custom_oids.0.oid',
        'body.custom_oids.1.scale',
        'body.custom_oids.2.name',
        'body.custom_oids.3.sys_object_id',
      ],
    );
    assert.equal(
      (await op('GET', `/devices/${ups}/custom-oids`)).json.custom_oids[0].name,
      'ups_battery_temp',
    );
  });

  it('refuses custom OIDs on a device without SNMP, and clears a list with []', async () => {
    const r = await op('PUT', `/devices/${web}/custom-oids`, {
      custom_oids: [{ oid: '1.3.6.1.2.1.1.3.0', name: 'up' }],
    });
    assert.equal(r.status, 422);
    assert.match(r.json.error.message, /not polled by SNMP/);
    assert.deepEqual(
      (await op('PUT', `/sites/${site}/custom-oids`, { custom_oids: [] })).json.custom_oids,
      [],
    );
    assert.equal((await op('GET', '/devices/99999/custom-oids')).status, 404);
  });
});
