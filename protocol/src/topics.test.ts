import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentIdProblem, isValidAgentId } from './ids.js';
import { InvalidAgentIdError, MESSAGE_KINDS, parseTopic, TOPIC_SUFFIX, topicFor, topics } from './topics.js';

describe('topics', () => {
  it('builds every topic under outpost/v1/agents/{id}/', () => {
    assert.equal(topics.status('pi-1'), 'outpost/v1/agents/pi-1/status');
    assert.equal(topics.batch('pi-1'), 'outpost/v1/agents/pi-1/up/batch');
    assert.equal(topics.result('pi-1'), 'outpost/v1/agents/pi-1/up/result');
    assert.equal(topics.snapshot('pi-1'), 'outpost/v1/agents/pi-1/up/snapshot');
    assert.equal(topics.ack('pi-1'), 'outpost/v1/agents/pi-1/down/ack');
    assert.equal(topics.config('pi-1'), 'outpost/v1/agents/pi-1/down/config');
    assert.equal(topics.command('pi-1'), 'outpost/v1/agents/pi-1/down/cmd');
    assert.equal(topics.downFilter('pi-1'), 'outpost/v1/agents/pi-1/down/#');
  });

  it('parses back every topic it builds', () => {
    for (const kind of MESSAGE_KINDS) {
      assert.deepEqual(parseTopic(topicFor(kind, 'site_7.pi')), { ok: true, agentId: 'site_7.pi', kind });
    }
  });

  const badIds: [string, string][] = [
    ['', 'empty'],
    ['a+b', 'plus'],
    ['a#', 'hash'],
    ['a/b', 'slash'],
    ['$SYS', 'dollar'],
    ['-lead', 'leading dash'],
    ['a b', 'space'],
    ['é', 'non-ascii'],
    ['x'.repeat(65), 'too long'],
  ];
  for (const [id, why] of badIds) {
    it(`rejects the agent id ${JSON.stringify(id.slice(0, 12))} (${why}) in builders and parser`, () => {
      assert.equal(isValidAgentId(id), false);
      assert.ok(agentIdProblem(id));
      assert.throws(() => topicFor('batch', id), InvalidAgentIdError);
      const parsed = parseTopic(`outpost/v1/agents/${id}/up/batch`);
      assert.equal(parsed.ok, false);
    });
  }

  it('accepts a 64-character id and rejects 65', () => {
    assert.equal(isValidAgentId('a'.repeat(64)), true);
    assert.equal(isValidAgentId('a'.repeat(65)), false);
  });

  it('rejects topics outside the protocol', () => {
    for (const t of [
      'outpost/v2/agents/a/up/batch',
      'outpost/v1/agents/a',
      'outpost/v1/agents/a/up/other',
      'outpost/v1/agents/a/up/batch/extra',
      'outpost/v1/agents/+/up/batch',
      '$SYS/broker/clients',
      '',
    ]) {
      assert.equal(parseTopic(t).ok, false, t);
    }
    assert.equal(parseTopic(42).ok, false);
  });

  it('has a distinct suffix per kind', () => {
    assert.equal(new Set(Object.values(TOPIC_SUFFIX)).size, MESSAGE_KINDS.length);
  });
});
