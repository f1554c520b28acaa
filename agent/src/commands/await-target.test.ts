import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awaitTarget } from './await-target.js';
import type { CommandContext, Job } from './types.js';

function job(signal = new AbortController().signal): Job<unknown> & { lines: string[] } {
  const lines: string[] = [];
  return { id: 'j', args: {}, signal, log: (l) => void lines.push(l), progress() {}, partial() {}, lines };
}

/** A context whose configs arrive when the test says so. */
function context(withWaiting = true) {
  const waiters: ((v: boolean) => void)[] = [];
  const ctx = {
    ...(withWaiting
      ? {
          nextConfig: (ms: number) =>
            new Promise<boolean>((resolve) => {
              waiters.push(resolve);
              setTimeout(() => resolve(false), ms);
            }),
        }
      : {}),
  } as unknown as CommandContext;
  return {
    ctx,
    applyConfig: () => {
      for (const w of waiters.splice(0)) w(true);
    },
  };
}

describe('awaitTarget', () => {
  it('returns a target already in the config at once, without a word', async () => {
    const j = job();
    assert.equal(await awaitTarget(context().ctx, j, () => 7, 'device 7'), 7);
    assert.deepEqual(j.lines, []);
  });

  it('waits for the config that brings a device created a moment ago', async () => {
    const { ctx, applyConfig } = context();
    let present: number | undefined;
    const j = job();
    const found = awaitTarget(ctx, j, () => present, 'device 7', 5000);
    setTimeout(applyConfig, 20); // a config without it first
    setTimeout(() => {
      present = 7;
      applyConfig();
    }, 60);
    assert.equal(await found, 7);
    assert.match(j.lines[0] ?? '', /device 7 is not in this agent's config yet/);
  });

  it('gives up after the wait, and at once without a way to wait', async () => {
    assert.equal(await awaitTarget(context().ctx, job(), () => undefined, 'device 9', 50), undefined);
    assert.equal(await awaitTarget(context(false).ctx, job(), () => undefined, 'device 9', 5000), undefined);
  });

  it('stops waiting when the job is cancelled', async () => {
    const ac = new AbortController();
    const { ctx, applyConfig } = context();
    const t0 = Date.now();
    const found = awaitTarget(ctx, job(ac.signal), () => undefined, 'camera 3', 5000);
    ac.abort();
    applyConfig();
    assert.equal(await found, undefined);
    assert.ok(Date.now() - t0 < 1000);
  });
});
