import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topics } from '@outpost/protocol';
import { AgentStore } from '../store/agents.js';
import { openDatabase } from '../store/db.js';
import { authenticateAgent, CONNACK, mayPublish, maySubscribe } from './auth.js';

describe('broker authentication and ACL', () => {
  const db = openDatabase(':memory:');
  db.prepare("INSERT INTO sites (id, name, created_at, updated_at) VALUES (1, 's', 0, 0)").run();
  const agents = new AgentStore(db);
  agents.create({
    id: 'agent-a',
    site_id: 1,
    hostname: null,
    version: null,
    secret: 's3cret',
    created_at: 0,
  });
  agents.create({
    id: 'agent-r',
    site_id: 1,
    hostname: null,
    version: null,
    secret: 'r3voked',
    created_at: 0,
  });
  agents.revoke('agent-r', 1);

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
    it(c.name, () => {
      const d = authenticateAgent(
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
