import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestHub, type TestHub } from '../testing.js';

describe('credential set routes', () => {
  let hub: TestHub;
  let site: number;
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await hub.req(method, path, { token, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
  };

  before(async () => {
    hub = await createTestHub();
    site = (await hub.ctx.store.sites.insert({ name: 'shop' }, Date.now())).id;
  });
  after(() => hub.close());

  it("an operator writes a site's set; a global set needs an admin", async () => {
    const mine = await call('POST', '/api/v1/credential-sets', hub.tokens.operator, {
      site_id: site,
      name: 'shop',
      snmp: [{ version: '2c', community: 'shop-secret-1' }],
    });
    assert.equal(mine.status, 201, mine.text);
    const global = { name: 'everywhere', snmp: [{ version: '2c', community: 'global-secret-1' }] };
    const refused = await call('POST', '/api/v1/credential-sets', hub.tokens.operator, global);
    assert.equal(refused.status, 403);
    assert.match(refused.body.error.message, /admin/);
    assert.equal((await hub.ctx.store.credentials.listSets(null)).length, 0, 'nothing written');
    const made = await call('POST', '/api/v1/credential-sets', hub.tokens.admin, global);
    assert.equal(made.status, 201, made.text);
    const del = await call('DELETE', `/api/v1/credential-sets/${made.body.id}`, hub.tokens.operator);
    assert.equal(del.status, 403);
    assert.equal(
      (await call('POST', '/api/v1/credential-sets', hub.tokens.viewer, { ...global, site_id: site })).status,
      403,
    );
  });

  it('never shows a secret, and keeps the ones an update leaves out', async () => {
    const list = await call('GET', `/api/v1/credential-sets?site_id=${site}`, hub.tokens.viewer);
    assert.equal(list.status, 200);
    assert.ok(!list.text.includes('shop-secret-1') && !list.text.includes('global-secret-1'));
    assert.deepEqual(
      list.body.sets.map((s: { name: string }) => s.name),
      ['shop', 'everywhere'],
      "the site's sets, then the global ones",
    );
    const set = list.body.sets[0];
    const put = await call('PUT', `/api/v1/credential-sets/${set.id}`, hub.tokens.operator, {
      snmp: [
        { id: set.snmp[0].id, version: '2c' },
        { version: '3', username: 'mon' },
      ],
    });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.snmp[0].id, set.snmp[0].id);
    assert.equal(put.body.snmp[0].has_community, true, 'the stored community is kept');
    assert.equal(put.body.snmp[1].username, 'mon');
    const entry = await hub.ctx.store.credentials.entry(set.snmp[0].id);
    assert.ok(entry?.secret && !entry.secret.includes('shop-secret-1'), 'encrypted at rest');
    assert.equal(JSON.parse(hub.ctx.secrets.decrypt(entry.secret)).community, 'shop-secret-1');
  });

  it('refuses a discovery without an agent, and a range wider than the bound, naming the field', async () => {
    const wide = await call('POST', `/api/v1/sites/${site}/discover`, hub.tokens.operator, {
      cidrs: ['192.168.0.0/24', '10.0.0.0/8'],
    });
    assert.equal(wide.status, 400);
    assert.equal(wide.body.error.details[0].path, 'body.cidrs.1');
    const ok = await call('POST', `/api/v1/sites/${site}/discover`, hub.tokens.operator, {
      cidrs: ['192.168.0.0/24'],
    });
    assert.equal(ok.status, 422, ok.text);
    assert.equal(
      (await call('POST', `/api/v1/sites/${site}/discover`, hub.tokens.viewer, { cidrs: ['192.168.0.0/24'] }))
        .status,
      403,
    );
  });
});
