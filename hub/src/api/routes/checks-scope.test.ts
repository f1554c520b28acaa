import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestHub, type TestHub } from '../testing.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
type Json = Record<string, any>;

describe('checks, device events and custom OIDs with an API key limited to a site', () => {
  let hub: TestHub;
  let key = '';
  const mine = { site: 0, device: 0, check: 0 };
  const other = { site: 0, device: 0, check: 0 };
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await hub.req(method, `/api/v1${path}`, { token, body });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : {}) as Json };
  };
  const admin = (method: string, path: string, body?: unknown) => call(method, path, hub.tokens.admin, body);

  before(async () => {
    hub = await createTestHub();
    for (const [s, name] of [
      [mine, 'shop-a'],
      [other, 'shop-b'],
    ] as const) {
      s.site = (await admin('POST', '/sites', { name })).json.id;
      s.device = (
        await admin('POST', '/devices', {
          name: `web-${name}`,
          ip_address: '192.0.2.80',
          site_id: s.site,
          snmp: null,
        })
      ).json.id;
      s.check = (
        await admin('POST', '/checks', {
          device_id: s.device,
          name: 'ping',
          kind: 'icmp',
          params: { host: '192.0.2.80' },
        })
      ).json.id;
    }
    const k = await admin('POST', '/api-keys', { name: 'shop-a only', site_id: mine.site, role: 'viewer' });
    assert.equal(k.status, 201, JSON.stringify(k.json));
    key = k.json.key;
  });
  after(() => hub.close());

  it("lists and reads only its site's checks; another site's are not found", async () => {
    const list = await call('GET', '/checks', key);
    assert.equal(list.status, 200, JSON.stringify(list.json));
    assert.deepEqual(
      list.json.checks.map((c: Json) => c.id),
      [mine.check],
    );
    assert.equal((await call('GET', `/checks/${mine.check}`, key)).status, 200);
    assert.equal((await call('GET', `/checks/${other.check}`, key)).status, 404);
    assert.equal((await call('GET', `/checks?site_id=${other.site}`, key)).status, 404);
    assert.equal((await call('GET', '/checks/kinds', key)).status, 200);
  });

  it("reads its site's device events and custom OIDs only; writes are refused", async () => {
    assert.equal((await call('GET', `/devices/${mine.device}/events`, key)).status, 200);
    assert.equal((await call('GET', `/devices/${other.device}/events`, key)).status, 404);
    assert.equal((await call('GET', `/sites/${mine.site}/custom-oids`, key)).status, 200);
    assert.equal((await call('GET', `/sites/${other.site}/custom-oids`, key)).status, 404);
    assert.equal((await call('GET', `/devices/${other.device}/custom-oids`, key)).status, 404);
    const write = await call('DELETE', `/checks/${mine.check}`, key);
    assert.equal(write.status, 403);
    assert.ok((await hub.ctx.store.checks.get(mine.check)) !== undefined, 'nothing changed');
  });
});
