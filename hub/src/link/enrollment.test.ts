import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '../store/db.js';
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

  it('consumes a token once and changes nothing for an expired or reused one', () => {
    const db = openDatabase(':memory:');
    db.prepare("INSERT INTO sites (id, name, created_at, updated_at) VALUES (1, 's', 0, 0)").run();
    const { token } = createEnrollmentToken(db, { site_id: 1, ttl_ms: 60_000, created_by: null, now: 1000 });
    const stored = db.prepare('SELECT token_hash FROM enrollment_tokens').pluck().get() as string;
    assert.notEqual(stored, token, 'stored hashed');
    const e = enrollAgent(db, { token, hostname: 'pi', version: '1', now: 2000 });
    assert.equal(e.site_id, 1);
    assert.throws(
      () => enrollAgent(db, { token, hostname: 'pi', version: '1', now: 3000 }),
      (err) => err instanceof EnrollmentError && err.reason === 'used',
    );
    const late = createEnrollmentToken(db, { site_id: 1, ttl_ms: 60_000, created_by: null, now: 0 }).token;
    assert.throws(
      () => enrollAgent(db, { token: late, hostname: 'pi', version: '1', now: 70_000 }),
      (err) => err instanceof EnrollmentError && err.reason === 'expired',
    );
    assert.equal(db.prepare('SELECT count(*) FROM agents').pluck().get(), 1);
  });
});
