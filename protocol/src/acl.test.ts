import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aclFor, canPublish, canSubscribe } from './acl.js';
import { MESSAGE_KINDS, TOPIC_RULES, topicFor, topics } from './topics.js';

describe('acl', () => {
  it('lets an agent publish its own status and up/* topics only', () => {
    for (const kind of MESSAGE_KINDS) {
      const mine = topicFor(kind, 'a1');
      assert.equal(canPublish('a1', mine), TOPIC_RULES[kind].direction === 'agent->hub', kind);
    }
    assert.deepEqual(aclFor('a1').publish.sort(), [
      'outpost/v1/agents/a1/status',
      'outpost/v1/agents/a1/up/batch',
      'outpost/v1/agents/a1/up/result',
      'outpost/v1/agents/a1/up/snapshot',
    ]);
  });

  it("never lets an agent reach another agent's topics", () => {
    for (const kind of MESSAGE_KINDS) {
      assert.equal(canPublish('a1', topicFor(kind, 'a2')), false, `publish ${kind}`);
      assert.equal(canSubscribe('a1', topicFor(kind, 'a2')), false, `subscribe ${kind}`);
    }
    assert.equal(canSubscribe('a1', topics.downFilter('a2')), false);
    // a prefix of another id must not match either
    assert.equal(canPublish('a1', topics.batch('a10')), false);
  });

  it('lets an agent subscribe to its own down topics, singly or with down/#', () => {
    assert.equal(canSubscribe('a1', 'outpost/v1/agents/a1/down/#'), true);
    assert.equal(canSubscribe('a1', topics.ack('a1')), true);
    assert.equal(canSubscribe('a1', topics.config('a1')), true);
    assert.equal(canSubscribe('a1', topics.command('a1')), true);
  });

  it('grants no wildcard beyond its own down/#', () => {
    for (const filter of [
      '#',
      'outpost/#',
      'outpost/v1/agents/+/down/#',
      'outpost/v1/agents/a1/#',
      'outpost/v1/agents/a1/+/batch',
      'outpost/v1/agents/a1/up/#',
      '$SYS/#',
    ]) {
      assert.equal(canSubscribe('a1', filter), false, filter);
    }
  });

  it('gives an invalid id no rights at all', () => {
    for (const id of ['+', '#', 'a/b', '']) {
      assert.equal(canPublish(id, `outpost/v1/agents/${id}/up/batch`), false);
      assert.equal(canSubscribe(id, `outpost/v1/agents/${id}/down/#`), false);
    }
  });
});
