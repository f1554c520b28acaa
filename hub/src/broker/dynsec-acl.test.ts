import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aclFor, canPublish, canSubscribe, HUB_FILTERS } from '@outpost/protocol';
import { agentAcls, agentRoleName, hubAcls, sharedFilter, topicMatches } from './dynsec-acl.js';

describe('dynamic-security ACLs', () => {
  it("gives an agent exactly protocol's aclFor: publish its up/* and status, subscribe its down/*", () => {
    const acls = agentAcls('agent-a1');
    const acl = aclFor('agent-a1');
    assert.deepEqual(
      acls.filter((a) => a.acltype === 'publishClientSend').map((a) => a.topic),
      acl.publish,
    );
    assert.deepEqual(
      acls.filter((a) => a.acltype === 'subscribeLiteral').map((a) => a.topic),
      acl.subscribe,
    );
    assert.ok(acls.every((a) => a.allow));
    // Every granted topic is one the embedded broker's check allows too, and none is a wildcard of others.
    for (const a of acls) {
      const ok =
        a.acltype === 'publishClientSend'
          ? canPublish('agent-a1', a.topic)
          : canSubscribe('agent-a1', a.topic);
      assert.ok(ok, a.topic);
      assert.ok(!a.topic.includes('+'), a.topic);
    }
    assert.equal(agentRoleName('agent-a1'), 'outpost-agent-agent-a1');
  });

  it("gives the hub its group's shared subscriptions and agents' down/* only", () => {
    const acls = hubAcls('g1');
    assert.deepEqual(
      acls
        .filter((a) => a.acltype === 'subscribeLiteral')
        .map((a) => a.topic)
        .sort(),
      Object.values(HUB_FILTERS)
        .map((f) => sharedFilter('g1', f))
        .sort(),
    );
    assert.deepEqual(
      acls.filter((a) => a.acltype === 'publishClientSend').map((a) => a.topic),
      ['outpost/v1/agents/+/down/#'],
    );
    assert.equal(acls.length, Object.keys(HUB_FILTERS).length + 1);
  });

  const cases: [string, string, boolean][] = [
    ['outpost/v1/agents/+/up/batch', 'outpost/v1/agents/a1/up/batch', true],
    ['outpost/v1/agents/+/up/batch', 'outpost/v1/agents/a1/up/result', false],
    ['outpost/v1/agents/+/up/batch', 'outpost/v1/agents/a1/up/batch/x', false],
    ['outpost/v1/agents/+/status', 'outpost/v1/agents/a1/status', true],
    ['outpost/#', 'outpost/v1/agents/a1/status', true],
    ['outpost/#', 'outpost', true],
    ['#', 'anything/at/all', true],
    ['a/+', 'a', false],
    ['a/b', 'a/b', true],
    ['a/b', 'a/c', false],
  ];
  for (const [filter, topic, expected] of cases) {
    it(`topic ${topic} ${expected ? 'matches' : 'does not match'} ${filter}`, () => {
      assert.equal(topicMatches(filter, topic), expected);
    });
  }
});
