import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CameraConfig } from '@outpost/protocol';
import { lazyProber } from './lazy-prober.js';
import type { Outcome, Prober } from './types.js';

const camera = { id: 7 } as CameraConfig;
const outcome: Outcome = { samples: [], events: [] };

function realProber(calls: string[]): Prober {
  return {
    probe: async (c) => {
      calls.push(`probe ${c.id}`);
      return outcome;
    },
    snapshot: async (c) => {
      calls.push(`snapshot ${c.id}`);
      return 'jpeg';
    },
    forget: (id) => calls.push(`forget ${id}`),
    close: async () => {
      calls.push('close');
    },
    live: async () => ({
      start: async () => ({ session_id: 's', format: 'mjpeg' as const }),
      stop: async () => true,
    }),
  };
}

describe('lazyProber', () => {
  it('loads nothing until a camera is probed, then loads once', async () => {
    const calls: string[] = [];
    let loads = 0;
    const p = lazyProber(async () => {
      loads++;
      return realProber(calls);
    });
    p.forget?.(7);
    await p.close?.();
    assert.equal(loads, 0, 'forget and close before any use load no camera code');
    assert.deepEqual(calls, []);
    const [a, b] = await Promise.all([p.probe(camera), p.probe(camera)]);
    assert.equal(a, outcome);
    assert.equal(b, outcome);
    assert.equal(await p.snapshot?.(camera), 'jpeg');
    assert.equal(await (await p.live?.())?.stop('s', 'bye'), true);
    p.forget?.(7);
    await p.close?.();
    assert.equal(loads, 1);
    assert.deepEqual(calls, ['probe 7', 'probe 7', 'snapshot 7', 'forget 7', 'close']);
  });

  it('a live view loads the code, and close then stops it', async () => {
    const calls: string[] = [];
    const p = lazyProber(async () => realProber(calls));
    await p.live?.();
    await p.close?.();
    assert.deepEqual(calls, ['close']);
  });

  it('a failed load fails the call that needed it and is tried again next time', async () => {
    let loads = 0;
    const p = lazyProber(async () => {
      loads++;
      if (loads === 1) throw new Error('cannot load the camera code');
      return realProber([]);
    });
    await assert.rejects(p.probe(camera), /cannot load the camera code/);
    await p.close?.();
    assert.equal(await p.probe(camera), outcome);
    assert.equal(loads, 2);
  });

  it('says so when the loaded prober cannot take snapshots or stream', async () => {
    const p = lazyProber(async () => ({ probe: async () => outcome }));
    await assert.rejects(p.snapshot!(camera), /snapshots are not available/);
    await assert.rejects(p.live!(), /live view is not available/);
  });
});
