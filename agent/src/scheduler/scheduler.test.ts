import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../logger.js';
import { type Clock, nextDue, phaseOf, Scheduler } from './scheduler.js';

/** A clock whose time moves only when the test says so. */
function fakeClock(start = 1_000_000): Clock & { advance(ms: number): Promise<void> } {
  let now = start;
  let id = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      timers.set(++id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(h) {
      timers.delete(h as number);
    },
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = [...timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!next || next[1].at > end) break;
        timers.delete(next[0]);
        now = next[1].at;
        next[1].fn();
        await new Promise((r) => setImmediate(r));
      }
      now = end;
    },
  };
}

describe('scheduler', () => {
  it('computes the next due time from the phase', () => {
    const cases = [
      { now: 0, interval: 60, phase: 10, due: 10 },
      { now: 10, interval: 60, phase: 10, due: 70 },
      { now: 65, interval: 60, phase: 10, due: 70 },
      { now: 125, interval: 60, phase: 0, due: 180 },
    ];
    for (const c of cases) assert.equal(nextDue(c.now, c.interval, c.phase), c.due, JSON.stringify(c));
  });

  it('spreads 1,000 devices over the interval instead of firing them at once', () => {
    const interval = 60_000;
    const buckets = new Array(60).fill(0);
    for (let id = 1; id <= 1000; id++) buckets[Math.floor(phaseOf(`d:${id}`, interval) / 1000)]++;
    assert.ok(Math.max(...buckets) < 45, `busiest second has ${Math.max(...buckets)} of 1,000 polls`);
    assert.ok(Math.min(...buckets) > 0, 'every second of the interval gets some polls');
  });

  it('fires each target once per interval', async () => {
    const clock = fakeClock();
    const runs: string[] = [];
    const s = new Scheduler({ clock, log: silentLogger, run: async (k) => void runs.push(k) });
    s.set([
      { key: 'd:1', intervalMs: 10_000 },
      { key: 'd:2', intervalMs: 30_000 },
    ]);
    await clock.advance(60_000);
    assert.equal(runs.filter((k) => k === 'd:1').length, 6);
    assert.equal(runs.filter((k) => k === 'd:2').length, 2);
    await s.stop();
  });

  it('never runs two polls of the same device at once', async () => {
    const clock = fakeClock();
    let inFlight = 0;
    let maxInFlight = 0;
    let release: () => void = () => {};
    const s = new Scheduler({
      clock,
      log: silentLogger,
      run: () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        return new Promise<void>((r) => {
          release = () => {
            inFlight--;
            r();
          };
        });
      },
    });
    s.set([{ key: 'd:1', intervalMs: 1_000 }]);
    await clock.advance(5_000);
    assert.equal(maxInFlight, 1);
    assert.equal(s.skipped, 4);
    release();
    await s.stop();
  });

  it('stops firing removed targets and applies a new interval', async () => {
    const clock = fakeClock();
    const runs: string[] = [];
    const s = new Scheduler({ clock, log: silentLogger, run: async (k) => void runs.push(k) });
    s.set([
      { key: 'd:1', intervalMs: 10_000 },
      { key: 'd:2', intervalMs: 10_000 },
    ]);
    await clock.advance(10_000);
    s.set([{ key: 'd:1', intervalMs: 5_000 }]);
    runs.length = 0;
    await clock.advance(20_000);
    assert.deepEqual(new Set(runs), new Set(['d:1']));
    assert.equal(runs.length, 4);
    await s.stop();
  });

  it('waits for the poll in flight when stopping, then fires nothing', async () => {
    const clock = fakeClock();
    let finished = false;
    let runs = 0;
    const s = new Scheduler({
      clock,
      log: silentLogger,
      run: async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 20));
        finished = true;
      },
    });
    s.set([{ key: 'd:1', intervalMs: 1_000 }]);
    await clock.advance(1_000);
    assert.equal(runs, 1);
    await s.stop();
    assert.equal(finished, true);
    await clock.advance(10_000);
    assert.equal(runs, 1);
  });

  it('logs a failing poll and keeps the schedule', async () => {
    const clock = fakeClock();
    let runs = 0;
    const s = new Scheduler({
      clock,
      log: silentLogger,
      run: async () => {
        runs++;
        throw new Error('boom');
      },
    });
    s.set([{ key: 'd:1', intervalMs: 1_000 }]);
    await clock.advance(3_000);
    assert.equal(runs, 3);
    await s.stop();
  });
});
