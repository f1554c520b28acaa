import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../config-load.js';

const EXTERNAL = {
  brokerUrl: 'mqtt://broker.example:1883',
  brokerUsername: 'outpost-hub',
  brokerPassword: 'hub-broker-password',
  brokerAdminUsername: 'dynsec-admin',
  brokerAdminPassword: 'admin-password',
};

describe('external broker settings', () => {
  it('accepts a complete external broker with a default share group', () => {
    const c = parseConfig({ file: EXTERNAL }, {});
    assert.equal(c.brokerUrl, EXTERNAL.brokerUrl);
    assert.equal(c.brokerShareGroup, 'outpost-hubs');
    assert.equal(c.brokerConsumers, 4);
    assert.deepEqual(c.brokerAgentUrls, []);
  });

  it('reads them from the environment', () => {
    const c = parseConfig(
      {},
      {
        OUTPOST_BROKER_URL: 'mqtts://broker.example:8883',
        OUTPOST_BROKER_USERNAME: 'hub',
        OUTPOST_BROKER_PASSWORD: 'hub-broker-password',
        OUTPOST_BROKER_ADMIN_USERNAME: 'admin',
        OUTPOST_BROKER_ADMIN_PASSWORD: 'x',
        OUTPOST_BROKER_AGENT_URLS: 'mqtts://a.example:8883, wss://a.example/mqtt',
      },
    );
    assert.deepEqual(c.brokerAgentUrls, ['mqtts://a.example:8883', 'wss://a.example/mqtt']);
  });

  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['a URL of another scheme', { ...EXTERNAL, brokerUrl: 'http://b:1883' }, /brokerUrl: use mqtt/],
    ['credentials in the URL', { ...EXTERNAL, brokerUrl: 'mqtt://u:p@b:1883' }, /brokerUrl: .*without user/],
    [
      'a missing hub password',
      { ...EXTERNAL, brokerPassword: undefined },
      /brokerPassword: required with brokerUrl/,
    ],
    ['a missing admin', { ...EXTERNAL, brokerAdminUsername: undefined }, /brokerAdminUsername: required/],
    ['a short hub password', { ...EXTERNAL, brokerPassword: 'short' }, /brokerPassword: must be at least 12/],
    ['the admin as the hub', { ...EXTERNAL, brokerUsername: 'dynsec-admin' }, /brokerUsername: must differ/],
    ['no consumer connection', { ...EXTERNAL, brokerConsumers: 0 }, /brokerConsumers: /],
    ['a share group with a slash', { ...EXTERNAL, brokerShareGroup: 'a/b' }, /brokerShareGroup: must be/],
    ['an agent URL with credentials', { ...EXTERNAL, brokerAgentUrls: ['mqtt://u:p@b'] }, /brokerAgentUrls/],
    [
      'broker credentials without brokerUrl',
      { brokerUsername: 'hub' },
      /brokerUsername: only applies with brokerUrl/,
    ],
    ['agent URLs without brokerUrl', { brokerAgentUrls: ['mqtt://b:1883'] }, /brokerAgentUrls: only applies/],
  ];
  for (const [what, file, message] of refused) {
    it(`refuses ${what}, naming the key`, () => {
      assert.throws(
        () => parseConfig({ file }, {}),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }
});
