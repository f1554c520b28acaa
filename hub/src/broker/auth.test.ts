import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { topics } from '@outpost/protocol';
import { hashAgentSecret } from '../auth/agent-credentials.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import { authenticateAgent, CONNACK, mayPublish, maySubscribe } from './auth.js';

describe('broker authentication and ACL', () => {
  const store = openSqliteStore(':memory:');
  const agents = store.agents;
  before(async () => {
    const site = await store.sites.insert({ name: 's' }, 0);
    for (const [id, secret] of [
      ['agent-a', 's3cret'],
      ['agent-r', 'r3voked'],
    ] as const) {
      await agents.create({
        id,
        site_id: site.id,
        hostname: null,
        version: null,
        secret_hash: hashAgentSecret(secret),
        created_at: 0,
      });
    }
    await agents.revoke('agent-r', 1);
  });
  after(() => store.close());

  const cases: { name: string; id: string; user?: string; pass?: string; code: number | 'ok' }[] = [
    { name: 'accepts the right secret', id: 'agent-a', user: 'agent-a', pass: 's3cret', code: 'ok' },
    { name: 'accepts a missing username', id: 'agent-a', pass: 's3cret', code: 'ok' },
    {
      name: 'refuses a wrong secret with 4',
      id: 'agent-a',
      user: 'agent-a',
      pass: 'nope',
      code: CONNACK.badUsernameOrPassword,
    },
    {
      name: 'refuses a missing password with 4',
      id: 'agent-a',
      user: 'agent-a',
      code: CONNACK.badUsernameOrPassword,
    },
    {
      name: 'refuses an unknown agent with 4',
      id: 'agent-x',
      user: 'agent-x',
      pass: 's3cret',
      code: CONNACK.badUsernameOrPassword,
    },
    {
      name: 'refuses a username other than the client id',
      id: 'agent-a',
      user: 'agent-b',
      pass: 's3cret',
      code: CONNACK.badUsernameOrPassword,
    },
    {
      name: 'refuses a revoked agent with 5',
      id: 'agent-r',
      user: 'agent-r',
      pass: 'r3voked',
      code: CONNACK.notAuthorized,
    },
    { name: 'refuses an invalid client id with 2', id: '#', pass: 'x', code: CONNACK.identifierRejected },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const d = await authenticateAgent(
        agents,
        c.id,
        c.user,
        c.pass === undefined ? undefined : Buffer.from(c.pass),
      );
      assert.equal(d.ok ? 'ok' : d.returnCode, c.code);
    });
  }

  it('grants exactly the protocol ACL', () => {
    assert.equal(mayPublish('agent-a', topics.batch('agent-a')), true);
    assert.equal(mayPublish('agent-a', topics.batch('agent-b')), false);
    assert.equal(mayPublish('agent-a', topics.ack('agent-a')), false);
    assert.equal(mayPublish('agent-a', '$SYS/x'), false);
    assert.equal(maySubscribe('agent-a', topics.downFilter('agent-a')), true);
    assert.equal(maySubscribe('agent-a', '#'), false);
    assert.equal(maySubscribe('agent-a', '$SYS/#'), false);
  });
});
