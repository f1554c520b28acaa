import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dumpTables } from '../../store/sqlite/inspect.testing.js';
import { createTestHub, type TestHub } from '../testing.js';

describe('agents API: enrollment tokens', () => {
  let hub: TestHub;
  before(async () => {
    hub = await createTestHub();
    const site = await hub.req('POST', '/api/v1/sites', { token: hub.tokens.admin, body: { name: 'shop' } });
    assert.equal(site.status, 201);
  });
  after(() => hub.close());

  const tokens = () => dumpTables(hub.ctx.store).enrollment_tokens?.length ?? 0;

  it('refuses an operator: an enrolled agent receives its site decrypted secrets', async () => {
    const res = await hub.req('POST', '/api/v1/agents/enrollment-tokens', {
      token: hub.tokens.operator,
      body: { site: 'shop' },
    });
    assert.equal(res.status, 403);
    assert.match(
      ((await res.json()) as { error: { message: string } }).error.message,
      /needs the admin role/,
    );
    assert.equal(tokens(), 0, 'no token was created');
  });

  it('lets an admin create one', async () => {
    const res = await hub.req('POST', '/api/v1/agents/enrollment-tokens', {
      token: hub.tokens.admin,
      body: { site: 'shop', ttl: '1h' },
    });
    assert.equal(res.status, 201);
    assert.equal(tokens(), 1);
  });
});
