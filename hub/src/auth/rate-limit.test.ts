import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  it('allows `limit` hits per window per key, then says how long to wait', () => {
    let now = 0;
    const rl = new RateLimiter(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(rl.hit('a'), { allowed: true });
      now += 1000;
    }
    assert.deepEqual(rl.hit('a'), { allowed: false, retryAfterS: 57 });
    assert.deepEqual(rl.hit('b'), { allowed: true }, 'keys are independent');
    now = 60_001;
    assert.deepEqual(rl.hit('a'), { allowed: true }, 'the oldest hit left the window');
  });

  it('checks without recording, and forgives the latest hit', () => {
    const rl = new RateLimiter(2, 60_000, () => 0);
    assert.deepEqual(rl.check('a'), { allowed: true });
    rl.hit('a');
    rl.hit('a');
    assert.equal(rl.check('a').allowed, false);
    rl.forgive('a');
    assert.deepEqual(rl.check('a'), { allowed: true });
    rl.forgive('a');
    rl.forgive('a'); // nothing left: no error
    assert.equal(rl.size, 0);
  });

  it('forgets a key on reset and bounds the number of keys', () => {
    const rl = new RateLimiter(1, 60_000, () => 0, 2);
    rl.hit('a');
    rl.reset('a');
    assert.deepEqual(rl.hit('a'), { allowed: true });
    rl.hit('b');
    rl.hit('c'); // evicts one of the keys with one hit, the oldest: a
    assert.equal(rl.size, 2);
    assert.deepEqual(rl.hit('a'), { allowed: true });
  });

  it('a flood of new keys never resets a key close to its limit', () => {
    let now = 0;
    const rl = new RateLimiter(5, 60_000, () => now, 100);
    for (let i = 0; i < 4; i++) rl.hit('user:admin');
    for (let i = 0; i < 1000; i++) {
      now += 10;
      rl.hit(`user:flood-${i}`);
    }
    assert.equal(rl.size, 100);
    assert.deepEqual(rl.hit('user:admin'), { allowed: true }, 'the fifth attempt');
    assert.equal(rl.hit('user:admin').allowed, false, 'the sixth is refused: the count survived the flood');
  });

  it('when full, drops keys whose hits left the window before any live key', () => {
    let now = 0;
    const rl = new RateLimiter(5, 1000, () => now, 3);
    rl.hit('old-1');
    rl.hit('old-2');
    now = 5000;
    rl.hit('live');
    rl.hit('live');
    rl.hit('new'); // full: both old keys go, not the oldest live one
    assert.equal(rl.size, 2);
    assert.equal(rl.check('live').allowed, true);
    for (let i = 0; i < 3; i++) rl.hit('live');
    assert.equal(rl.check('live').allowed, false);
  });
});
