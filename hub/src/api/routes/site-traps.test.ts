import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildSiteConfig } from '../../link/site-config.js';
import { createTestHub, type TestHub } from '../testing.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
type Json = Record<string, any>;

describe('per-site trap receiver API', () => {
  let hub: TestHub;
  let site = 0;
  let other = 0;
  const op = async (method: string, path: string, body?: unknown) => {
    const res = await hub.req(method, `/api/v1${path}`, { token: hub.tokens.operator, body });
    return { status: res.status, json: (await res.json()) as Json };
  };
  const config = async (id: number) =>
    (
      await buildSiteConfig(
        hub.ctx.store,
        id,
        (b) => hub.ctx.secrets.decrypt(b),
        { heartbeat_s: 30, batch_max_delay_ms: 1000 },
        {
          enabled: true,
          port: 1162,
          community: 'hub-wide-community',
        },
      )
    ).body.traps;

  before(async () => {
    hub = await createTestHub({ agentTrapsEnabled: true, agentTrapsCommunity: 'hub-wide-community' });
    site = (await op('POST', '/sites', { name: 'Shop' })).json.id;
    other = (await op('POST', '/sites', { name: 'School' })).json.id;
  });
  after(() => hub.close());

  it('shows the hub-wide settings for a site without its own, the community counted, never shown', async () => {
    const r = await op('GET', `/sites/${site}/traps`);
    assert.equal(r.status, 200);
    assert.equal(r.json.own, false);
    assert.equal(r.json.enabled, true);
    assert.equal(r.json.port, 1162);
    assert.equal(r.json.communities_set, 1);
    assert.equal(JSON.stringify(r.json).includes('hub-wide-community'), false);
  });

  it("stores a site's own settings, which replace the hub-wide ones in that site's config only", async () => {
    const r = await op('PUT', `/sites/${site}/traps`, {
      port: 10162,
      rate_per_s: 20,
      communities: ['shop-traps'],
      users: [
        {
          username: 'ups',
          auth_protocol: 'sha256',
          auth_key: 'auth-key-12',
          priv_protocol: 'aes',
          priv_key: 'priv-key-12',
        },
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.own, true);
    assert.equal(r.json.users[0].security_level, 'authPriv');
    const traps = await config(site);
    assert.equal(traps?.port, 10162);
    assert.equal(traps?.rate_per_s, 20);
    assert.deepEqual(traps?.communities, ['shop-traps'], 'not the hub-wide community');
    assert.equal(traps?.users?.[0]?.priv_key, 'priv-key-12');
    assert.deepEqual((await config(other))?.communities, ['hub-wide-community']);
  });

  it('keeps keys while the protocol stays, drops them with a new protocol and refuses what the agent would', async () => {
    const same = await op('PUT', `/sites/${site}/traps`, { users: [{ username: 'ups' }] });
    assert.equal(same.json.users[0].has_priv_key, true);
    const newPriv = await op('PUT', `/sites/${site}/traps`, {
      users: [{ username: 'ups', priv_protocol: 'des' }],
    });
    assert.equal(newPriv.status, 400);
    assert.deepEqual(
      newPriv.json.error.details.map((d: Json) => `${d.path}: ${d.message}`),
      ['body.users.0.priv_key: required with its priv_protocol'],
    );
    const twice = await op('PUT', `/sites/${site}/traps`, { users: [{ username: 'a' }, { username: 'a' }] });
    assert.equal(twice.status, 400);
    assert.equal(twice.json.error.details[0].path, 'body.users.1.username');
    const badPort = await op('PUT', `/sites/${site}/traps`, { port: 0, colour: 'red' });
    assert.deepEqual(badPort.json.error.details.map((d: Json) => d.path).sort(), [
      'body.colour',
      'body.port',
    ]);
    assert.equal((await config(site))?.users?.[0]?.priv_protocol, 'aes', 'nothing changed');
  });

  it('turns the receiver off for the site, and goes back to the hub-wide settings on delete', async () => {
    await op('PUT', `/sites/${site}/traps`, { enabled: false });
    assert.equal(await config(site), undefined);
    const r = await op('DELETE', `/sites/${site}/traps`);
    assert.equal(r.status, 200);
    assert.equal(r.json.own, false);
    assert.deepEqual((await config(site))?.communities, ['hub-wide-community']);
    assert.equal((await op('GET', '/sites/99999/traps')).status, 404);
  });
});
