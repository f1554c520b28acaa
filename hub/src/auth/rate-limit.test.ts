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

  it('forgets a key on reset and bounds the number of keys', () => {
    const rl = new RateLimiter(1, 60_000, () => 0, 2);
    rl.hit('a');
    rl.reset('a');
    assert.deepEqual(rl.hit('a'), { allowed: true });
    rl.hit('b');
    rl.hit('c'); // evicts the oldest key, a
    assert.deepEqual(rl.hit('a'), { allowed: true });
  });
});
