import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OnePassAtATime } from './one-pass.js';

describe('one pass at a time', () => {
  it('starts a pass only after the one running settled, failed or not, and each caller gets its own', async () => {
    const passes = new OnePassAtATime<number>();
    const log: string[] = [];
    let running = 0;
    const pass =
      (n: number, fail = false) =>
      async () => {
        running++;
        assert.equal(running, 1, 'two passes ran at once');
        log.push(`start ${n}`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${n}`);
        running--;
        if (fail) throw new Error(`pass ${n} failed`);
        return n;
      };
    const results = await Promise.allSettled([
      passes.run(pass(1, true)),
      passes.run(pass(2)),
      passes.run(pass(3)),
    ]);
    assert.equal(results[0]?.status, 'rejected');
    assert.deepEqual(
      results.slice(1).map((r) => (r.status === 'fulfilled' ? r.value : r.reason)),
      [2, 3],
    );
    assert.deepEqual(log, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });
});
