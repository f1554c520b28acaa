import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashEnrollmentToken } from '../auth/agent-credentials.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import {
  agentEndpoints,
  createEnrollmentToken,
  EnrollmentError,
  enrollAgent,
  parseTtl,
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

  it('lists the broker URLs agents use: TCP, TLS when enabled, WebSocket at /mqtt', () => {
    assert.deepEqual(
      agentEndpoints({ publicUrl: 'https://hub.example.net/' }, 'http://10.0.0.1:8080/x', {
        mqttPort: 1883,
        mqttsPort: 8883,
      }),
      {
        hub_url: 'https://hub.example.net',
        mqtt: {
          urls: ['mqtt://hub.example.net:1883', 'mqtts://hub.example.net:8883', 'wss://hub.example.net/mqtt'],
        },
      },
    );
    assert.deepEqual(
      agentEndpoints({}, 'http://10.0.0.1:8080/api/v1/agents/enroll', { mqttPort: 1883 }).mqtt.urls,
      ['mqtt://10.0.0.1:1883', 'ws://10.0.0.1:8080/mqtt'],
    );
  });

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
});
