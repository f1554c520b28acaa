import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchStore } from './batches.js';
import { openDatabase } from './db.js';

const counts = { samples: 1, events: 0 };

/** Feeds seqs (with a time each) and returns the ack after each one. */
function run(steps: { seq: number; at?: number; connectedAt?: number }[], lostAfterMs = 1000) {
  const db = openDatabase(':memory:');
  const store = new BatchStore(db);
  const out = steps.map((s) => {
    const r = db.transaction(() =>
      store.record('a1', s.seq, counts, { now: s.at ?? 0, connectedAt: s.connectedAt ?? 0, lostAfterMs }),
    )();
    return r.duplicate ? `dup:${r.upTo}` : r.lost.length ? `lost:${r.upTo}` : String(r.upTo);
  });
  return { out, db, store };
}

describe('delivery state (agent_batches, acks, gaps)', () => {
  const cases: {
    name: string;
    steps: { seq: number; at?: number; connectedAt?: number }[];
    acks: string[];
  }[] = [
    {
      name: 'acks contiguous seqs as they come',
      steps: [{ seq: 1 }, { seq: 2 }, { seq: 3 }],
      acks: ['1', '2', '3'],
    },
    {
      name: 'acks a duplicate again without storing it',
      steps: [{ seq: 1 }, { seq: 1 }],
      acks: ['1', 'dup:1'],
    },
    {
      name: 'holds the ack at the last contiguous seq until the gap fills',
      steps: [{ seq: 1 }, { seq: 3 }, { seq: 4 }, { seq: 2 }],
      acks: ['1', '1', '1', '4'],
    },
    {
      name: 'a first batch above 1 waits for the seqs before it',
      steps: [{ seq: 3 }, { seq: 1 }, { seq: 2 }],
      acks: ['0', '1', '3'],
    },
    {
      name: 'declares a gap lost after lostAfterMs of connection and moves past it',
      steps: [{ seq: 1 }, { seq: 3, at: 10 }, { seq: 4, at: 500 }, { seq: 5, at: 2000 }],
      acks: ['1', '1', '1', 'lost:5'],
    },
    {
      name: 'counts the wait from the current connection, not from when the gap was seen',
      steps: [
        { seq: 1 },
        { seq: 3, at: 10 },
        { seq: 4, at: 5000, connectedAt: 4500 },
        { seq: 5, at: 5600, connectedAt: 4500 },
      ],
      acks: ['1', '1', '1', 'lost:5'],
    },
    {
      name: 'stores a lost seq that arrives late, once',
      steps: [{ seq: 1 }, { seq: 3 }, { seq: 4, at: 2000 }, { seq: 2, at: 2001 }, { seq: 2, at: 2002 }],
      acks: ['1', '1', 'lost:4', '4', 'dup:4'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(run(c.steps).out, c.acks);
    });
  }

  it('records gaps with their range and marks them filled', () => {
    const { db } = run([{ seq: 1 }, { seq: 5 }, { seq: 2 }, { seq: 3 }, { seq: 4 }]);
    const rows = db.prepare('SELECT from_seq, to_seq, filled_at IS NOT NULL AS filled FROM agent_gaps').all();
    assert.deepEqual(rows, [{ from_seq: 2, to_seq: 4, filled: 1 }]);
  });

  it('reloads the ack from the database after forget (a failed transaction)', () => {
    const { store } = run([{ seq: 1 }, { seq: 2 }]);
    store.forget('a1');
    assert.equal(store.upTo('a1'), 2);
  });
});
