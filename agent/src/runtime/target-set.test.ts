import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigMessage } from '@outpost/protocol';
import { silentLogger } from '../logger.js';
import { StateTracker } from '../state/state.js';
import { ConfigWaiters } from './config-waiters.js';
import { TargetSet } from './target-set.js';
import type { TargetKind } from './targets/index.js';
import type { Outcome } from './types.js';

interface Box {
  id: number;
  host: string;
  every: number;
}

/** A kind whose targets are `config.boxes`; each run waits for `release` so runs can overlap. */
function boxKind() {
  const forgotten: number[] = [];
  const runs: number[] = [];
  let release: () => void = () => {};
  const gate = () => new Promise<void>((r) => (release = r));
  let pending = gate();
  const kind: TargetKind<Box> = {
    name: 'box',
    targets: (c) => (c as unknown as { boxes: Box[] }).boxes,
    intervalMs: (b) => b.every,
    async run(b) {
      runs.push(b.id);
      await pending;
      return {
        samples: [],
        events: [{ type: 'box_status', ts: 1, status: b.host === 'down' ? 'down' : 'up' }],
      };
    },
    tracked: {
      list: 'devices',
      describe: (b) => ({ id: b.id, name: `box ${b.id}`, address: b.host, interval_s: b.every / 1000 }),
      status: (o) => ({ status: (o.events[0] as unknown as { status: string }).status, samples: 0 }),
    },
    forget: (id) => forgotten.push(id),
  };
  return {
    kind: kind as unknown as TargetKind,
    forgotten,
    runs,
    finish() {
      release();
      pending = gate();
    },
  };
}

const config = (boxes: Box[]) => ({ boxes }) as unknown as ConfigMessage;

function setOf(k: ReturnType<typeof boxKind>) {
  const recorded: string[] = [];
  let pumps = 0;
  const set = new TargetSet({
    kinds: new Map([['box', k.kind]]),
    tracker: new StateTracker(),
    record: (_o: Outcome, source) => recorded.push(source),
    pump: () => pumps++,
    now: () => 1_000,
    log: silentLogger,
  });
  return { set, recorded, pumps: () => pumps };
}

describe('TargetSet', () => {
  it('schedules the targets of a config and forgets only those that changed or left', () => {
    const k = boxKind();
    const { set } = setOf(k);
    const a = { id: 1, host: '10.0.0.1', every: 60_000 };
    const b = { id: 2, host: '10.0.0.2', every: 0 };
    assert.deepEqual(set.apply(config([a, b])), [{ key: 'box:1', intervalMs: 60_000 }]);
    assert.deepEqual(k.forgotten, []);
    assert.deepEqual(set.get('box', 2), b);
    set.apply(config([{ ...a, host: '10.0.0.9' }]));
    assert.deepEqual(k.forgotten.sort(), [1, 2], 'changed address and removed target lose their state');
    assert.equal(set.get('box', 2), undefined);
    assert.equal(set.get<Box>('box', 1)?.host, '10.0.0.9');
  });

  it('joins a run in flight instead of starting a second one, then records once', async () => {
    const k = boxKind();
    const { set, recorded } = setOf(k);
    const a = { id: 1, host: '10.0.0.1', every: 60_000 };
    set.apply(config([a]));
    const first = set.run('box', a);
    const second = set.runKey('box:1');
    k.finish();
    await Promise.all([first, second]);
    assert.deepEqual(k.runs, [1], 'one run for both callers');
    assert.deepEqual(recorded, ['box 1']);
    await set.runKey('box:7');
    assert.deepEqual(k.runs, [1], 'a key no longer in the config does not run');
  });

  it('pumps the outbox when a target changes state, not for every run', async () => {
    const k = boxKind();
    const { set, pumps } = setOf(k);
    const up = { id: 1, host: '10.0.0.1', every: 60_000 };
    set.apply(config([up]));
    const runOnce = async (b: Box) => {
      const p = set.run('box', b);
      k.finish();
      await p;
    };
    await runOnce(up);
    const afterFirst = pumps();
    await runOnce(up);
    assert.equal(pumps(), afterFirst, 'same state: no extra send');
    await runOnce({ ...up, host: 'down' });
    assert.equal(pumps(), afterFirst + 1, 'went down: sent at once');
  });
});

describe('ConfigWaiters', () => {
  it('wakes waiters when a config is applied, and gives false on timeout or abort', async () => {
    const w = new ConfigWaiters();
    const woken = w.next(5_000);
    w.applied();
    assert.equal(await woken, true);
    assert.equal(await w.next(10), false);
    const ac = new AbortController();
    const aborted = w.next(5_000, ac.signal);
    ac.abort();
    assert.equal(await aborted, false);
    w.applied();
  });
});
