import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isStoreError } from '../errors.js';
import type { LedgerWrite } from '../ledger.js';
import type { Repositories } from '../port.js';
import { type StoreFactory, T0, withStore } from './fixtures.js';

const write = (seq: number, over: Partial<LedgerWrite> = {}): LedgerWrite => ({
  seq,
  received_at: T0 + seq,
  samples: 1,
  events: 0,
  lost: [],
  filled: [],
  ...over,
});

/**
 * What ingest does with the ledger, reduced to what the store must keep consistent (the full policy, with
 * lost gaps, is ingest/ledger.ts): the next seq moves the ack over the seqs held ahead and fills the gaps it
 * passes; a later seq opens a gap.
 */
async function ingest(
  r: Repositories,
  agentId: string,
  seq: number,
  pause?: () => Promise<void>,
): Promise<void> {
  const { state, stored } = await r.ledger.observe(agentId, seq);
  await pause?.();
  if (stored) return;
  if (seq !== state.upTo + 1) {
    await r.ledger.record(agentId, write(seq, { gap: { from_seq: state.upTo + 1, to_seq: seq - 1 } }));
    return;
  }
  let upTo = seq;
  for (const n of state.ahead) if (n === upTo + 1) upTo = n;
  const filled = state.gaps.filter((g) => g.to_seq <= upTo).map((g) => g.id);
  await r.ledger.record(agentId, write(seq, { upTo, filled }));
}

export function ledgerContract(factory: StoreFactory): void {
  it('starts empty, then keeps stored seqs, the ack and the seqs held ahead of it', async () => {
    await withStore(factory, async (store) => {
      assert.deepEqual(await store.ledger.observe('a1', 1), {
        state: { upTo: 0, gaps: [], ahead: [] },
        stored: false,
        below: 0,
      });
      assert.equal(await store.ledger.upTo('a1'), 0);
      await store.ledger.record('a1', write(1, { upTo: 1 }));
      await store.ledger.record('a1', write(4, { gap: { from_seq: 2, to_seq: 3 } }));
      const seen = await store.ledger.observe('a1', 5);
      assert.equal(seen.stored, false);
      assert.equal(seen.below, 4);
      assert.equal(seen.state.upTo, 1);
      assert.deepEqual(seen.state.ahead, [4]);
      assert.deepEqual(
        seen.state.gaps.map((g) => [g.from_seq, g.to_seq, g.detected_at]),
        [[2, 3, T0 + 4]],
      );
      assert.equal((await store.ledger.observe('a1', 4)).stored, true);
      assert.deepEqual(await store.ledger.batches('a1'), { count: 2, min: 1, max: 4 });
      assert.deepEqual(await store.ledger.batches('other'), { count: 0, min: null, max: null });
    });
  });

  it('closes gaps as filled or lost, and only open gaps are observed', async () => {
    await withStore(factory, async (store) => {
      await store.ledger.record('a1', write(1, { upTo: 1 }));
      await store.ledger.record('a1', write(3, { gap: { from_seq: 2, to_seq: 2 } }));
      await store.ledger.record('a1', write(6, { gap: { from_seq: 4, to_seq: 5 } }));
      const [first, second] = (await store.ledger.observe('a1', 7)).state.gaps;
      assert.ok(first && second);
      await store.ledger.record('a1', write(2, { upTo: 3, filled: [first.id] }));
      await store.ledger.record('a1', write(7, { upTo: 7, lost: [second.id] }));
      assert.deepEqual((await store.ledger.observe('a1', 8)).state, { upTo: 7, gaps: [], ahead: [] });
      assert.deepEqual(
        (await store.ledger.gaps('a1')).map((g) => [g.from_seq, g.filled_at, g.lost_at]),
        [
          [2, T0 + 2, null],
          [4, null, T0 + 7],
        ],
      );
    });
  });

  it('refuses the same seq twice with conflict and keeps the first', async () => {
    await withStore(factory, async (store) => {
      await store.ledger.record('a1', write(1, { upTo: 1, samples: 5 }));
      await assert.rejects(store.ledger.record('a1', write(1, { samples: 9 })), (err) =>
        isStoreError(err, 'conflict'),
      );
      assert.deepEqual(await store.ledger.batches('a1'), { count: 1, min: 1, max: 1 });
      // Another agent's seq 1 is its own.
      await store.ledger.record('a2', write(1, { upTo: 1 }));
      assert.equal(await store.ledger.upTo('a2'), 1);
    });
  });

  it('rolls back what a failed unit recorded', async () => {
    await withStore(factory, async (store) => {
      await assert.rejects(
        store.unit(async (tx) => {
          await ingest(tx, 'a1', 1);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store.ledger.upTo('a1'), 0);
      assert.equal((await store.ledger.observe('a1', 1)).stored, false);
    });
  });

  it('lets two units ingesting for the same agent run one after the other: the ack passes both', async () => {
    await withStore(factory, async (store) => {
      await ingest(store, 'a1', 1);
      // The first unit pauses between observing and recording: a second unit deciding on the state it saw
      // would record a gap that nothing fills. In either order, one after the other, the ack reaches 3.
      const pause = () => new Promise<void>((r) => setTimeout(r, 30));
      await Promise.all([
        store.unit((tx) => ingest(tx, 'a1', 2, pause)),
        store.unit((tx) => ingest(tx, 'a1', 3, pause)),
      ]);
      assert.deepEqual((await store.ledger.observe('a1', 4)).state, { upTo: 3, gaps: [], ahead: [] });
      assert.deepEqual(await store.ledger.batches('a1'), { count: 3, min: 1, max: 3 });
    });
  });

  it('lets two units delivering the same seq store it once', async () => {
    await withStore(factory, async (store) => {
      const pause = () => new Promise<void>((r) => setTimeout(r, 30));
      const results = await Promise.allSettled([
        store.unit((tx) => ingest(tx, 'a1', 1, pause)),
        store.unit((tx) => ingest(tx, 'a1', 1)),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled'],
      );
      assert.deepEqual(await store.ledger.batches('a1'), { count: 1, min: 1, max: 1 });
      assert.equal(await store.ledger.upTo('a1'), 1);
    });
  });
}
