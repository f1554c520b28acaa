import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashEnrollmentToken } from '../auth/agent-credentials.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import {
  agentEndpoints,
  createEnrollmentToken,
  EnrollmentError,
  enrollAgent,
  externalTransportWarnings,
  parseTtl,
  transportWarnings,
} from './enrollment.js';

describe('enrollment', () => {
  const ttls: [string, number | RegExp][] = [
    ['24h', 86_400_000],
    ['30m', 1_800_000],
    ['7d', 604_800_000],
    ['3600', 3_600_000],
    ['10s', /between 1 minute and 30 days/],
    ['31d', /between 1 minute and 30 days/],
    ['soon', /invalid duration/],
  ];
  for (const [text, expected] of ttls) {
    it(`parses the ttl "${text}"`, () => {
      if (typeof expected === 'number') assert.equal(parseTtl(text), expected);
      else assert.throws(() => parseTtl(text), expected);
    });
  }

  const endpoints: [string, Parameters<typeof agentEndpoints>, string, string[]][] = [
    [
      'external broker: the URLs agents are given, never the hub own listeners',
      [
        {
          publicUrl: 'https://hub.example.net/',
          brokerUrl: 'mqtt://broker.internal:1883',
          brokerAgentUrls: ['mqtts://broker.example.net:8883'],
        },
        'http://10.0.0.1:8080/x',
        { mqttPort: 1883, mqttsPort: 8883 },
      ],
      'https://hub.example.net',
      ['mqtts://broker.example.net:8883'],
    ],
    [
      'external broker without agent URLs: the broker URL',
      [
        { publicUrl: undefined, brokerUrl: 'mqtts://broker.example.net:8883', brokerAgentUrls: [] },
        'http://h:8080/x',
        {},
      ],
      'http://h:8080',
      ['mqtts://broker.example.net:8883'],
    ],
    [
      'TLS listener: TLS URLs only, never plain MQTT beside them',
      [
        { publicUrl: 'https://hub.example.net/' },
        'http://10.0.0.1:8080/x',
        { mqttPort: 1883, mqttsPort: 8883 },
      ],
      'https://hub.example.net',
      ['mqtts://hub.example.net:8883', 'wss://hub.example.net/mqtt'],
    ],
    [
      'TLS listener, plain HTTP: mqtts only (ws would be plain)',
      [{}, 'http://10.0.0.1:8080/api/v1/agents/enroll', { mqttPort: 1883, mqttsPort: 8883 }],
      'http://10.0.0.1:8080',
      ['mqtts://10.0.0.1:8883'],
    ],
    [
      'an https publicUrl (TLS proxy): wss only',
      [{ publicUrl: 'https://hub.example.net/outpost/' }, 'http://10.0.0.1:8080/x', { mqttPort: 1883 }],
      'https://hub.example.net/outpost',
      ['wss://hub.example.net/mqtt'],
    ],
    [
      'no TLS anywhere: plain MQTT and ws (the hub warns at start)',
      [{}, 'http://10.0.0.1:8080/api/v1/agents/enroll', { mqttPort: 1883 }],
      'http://10.0.0.1:8080',
      ['mqtt://10.0.0.1:1883', 'ws://10.0.0.1:8080/mqtt'],
    ],
    [
      'plain listener off',
      [{}, 'http://10.0.0.1:8080/api/v1/agents/enroll', {}],
      'http://10.0.0.1:8080',
      ['ws://10.0.0.1:8080/mqtt'],
    ],
  ];
  for (const [name, args, hubUrl, urls] of endpoints) {
    it(`broker URLs offered to agents: ${name}`, () => {
      assert.deepEqual(agentEndpoints(...args), { hub_url: hubUrl, mqtt: { urls } });
    });
  }

  const warnings: [string, Parameters<typeof transportWarnings>, RegExp[]][] = [
    ['loopback only: nothing to say', [{ host: '127.0.0.1' }, { mqttPort: 1883 }], []],
    [
      'on the network without TLS: plain MQTT and plain HTTP',
      [{ host: '0.0.0.0' }, { mqttPort: 1883 }],
      [/agents are offered plain MQTT/, /go over plain HTTP/],
    ],
    [
      'TLS for agents, plain listener still open, http: both named',
      [{ host: '0.0.0.0' }, { mqttPort: 1883, mqttsPort: 8883 }],
      [/plain MQTT listener is open on 0\.0\.0\.0:1883/, /plain HTTP/],
    ],
    [
      'TLS for agents and users, plain MQTT on loopback for a local agent: fine',
      [
        { host: '0.0.0.0', publicUrl: 'https://hub.example.net' },
        { mqttPort: 1883, mqttsPort: 8883, mqttHost: '127.0.0.1' },
      ],
      [],
    ],
    [
      'loopback behind a plain-HTTP proxy: agents and users reach it at publicUrl without TLS',
      [{ host: '127.0.0.1', publicUrl: 'http://hub.example.net' }, { mqttPort: 1883 }],
      [/agents are offered plain MQTT/, /go over plain HTTP/],
    ],
    [
      'loopback with a loopback publicUrl: nothing to say',
      [{ host: '127.0.0.1', publicUrl: 'http://localhost:8080' }, { mqttPort: 1883 }],
      [],
    ],
    [
      'an https publicUrl and no plain listener: fine',
      [{ host: '0.0.0.0', publicUrl: 'https://hub.example.net' }, {}],
      [],
    ],
  ];
  for (const [name, args, expected] of warnings) {
    it(`warns at start: ${name}`, () => {
      const got = transportWarnings(...args);
      assert.equal(got.length, expected.length, got.join('\n'));
      for (const [i, re] of expected.entries()) assert.match(got[i] ?? '', re);
    });
  }

  it('consumes a token once and changes nothing for an expired or reused one', async () => {
    const store = openSqliteStore(':memory:');
    const site = await store.sites.insert({ name: 's' }, 0);
    const created = await createEnrollmentToken(store, {
      site_id: site.id,
      ttl_ms: 60_000,
      created_by: null,
      now: 1000,
    });
    const { token } = created;
    assert.match(token, /^opt_/);
    // Only the hash is stored: a wrong hash finds nothing, the right one finds the row.
    assert.equal((await store.enrollmentTokens.consume(token, 'x', 1000)).ok, false);
    const e = await enrollAgent(store, { token, hostname: 'pi', version: '1', now: 2000 });
    assert.equal(e.site_id, site.id);
    await assert.rejects(
      enrollAgent(store, { token, hostname: 'pi', version: '1', now: 3000 }),
      (err) => err instanceof EnrollmentError && err.reason === 'used',
    );
    const late = (
      await createEnrollmentToken(store, { site_id: site.id, ttl_ms: 60_000, created_by: null, now: 0 })
    ).token;
    await assert.rejects(
      enrollAgent(store, { token: late, hostname: 'pi', version: '1', now: 70_000 }),
      (err) => err instanceof EnrollmentError && err.reason === 'expired',
    );
    assert.equal((await store.agents.list()).length, 1);
    assert.equal(hashEnrollmentToken(token).length, 64);
    await store.close();
  });

  const external: [string, { brokerUrl?: string; brokerAgentUrls: string[] }, number][] = [
    ['a plain broker URL on the network', { brokerUrl: 'mqtt://broker.lan:1883', brokerAgentUrls: [] }, 1],
    ['a plain broker on loopback', { brokerUrl: 'mqtt://127.0.0.1:1883', brokerAgentUrls: [] }, 0],
    [
      'plain for the hub, TLS for agents',
      { brokerUrl: 'mqtt://broker.lan:1883', brokerAgentUrls: ['mqtts://broker.example:8883'] },
      0,
    ],
    [
      'a plain ws URL for agents',
      { brokerUrl: 'mqtts://b:8883', brokerAgentUrls: ['ws://b.example/mqtt'] },
      1,
    ],
  ];
  for (const [what, config, warnings] of external) {
    it(`external broker, ${what}: ${warnings} warning(s)`, () => {
      assert.equal(externalTransportWarnings(config).length, warnings);
    });
  }
});
