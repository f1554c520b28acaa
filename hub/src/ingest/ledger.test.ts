import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Arrival, apply, decide, type Gap, type LedgerState } from './ledger.js';

const gap = (id: number, from_seq: number, to_seq: number, detected_at = 0): Gap => ({
  id,
  from_seq,
  to_seq,
  detected_at,
});
const EMPTY: LedgerState = { upTo: 0, gaps: [], ahead: [] };
const arrival = (seq: number, over: Partial<Arrival> = {}): Arrival => ({
  seq,
  stored: false,
  below: 0,
  now: 0,
  connectedAt: 0,
  lostAfterMs: 1000,
  ...over,
});

describe('delivery ledger: one decision', () => {
  const cases: { name: string; state: LedgerState; arrival: Arrival; expect: ReturnType<typeof decide> }[] = [
    {
      name: 'the next seq is stored and acknowledged',
      state: { upTo: 4, gaps: [], ahead: [] },
      arrival: arrival(5, { below: 4 }),
      expect: { verdict: 'stored', upTo: 5, advanced: true, lost: [], filled: [] },
    },
    {
      name: 'a stored seq is a duplicate: nothing changes, the ack is sent again',
      state: { upTo: 4, gaps: [], ahead: [] },
      arrival: arrival(3, { stored: true }),
      expect: { verdict: 'duplicate', upTo: 4 },
    },
    {
      name: 'a seq above a missing one reveals a gap and holds the ack',
      state: { upTo: 4, gaps: [], ahead: [] },
      arrival: arrival(8, { below: 4 }),
      expect: {
        verdict: 'stored',
        upTo: 4,
        advanced: false,
        gap: { from_seq: 5, to_seq: 7 },
        lost: [],
        filled: [],
      },
    },
    {
      name: 'the gap starts above the highest seq already stored ahead',
      state: { upTo: 4, gaps: [gap(1, 5, 5)], ahead: [6] },
      arrival: arrival(9, { below: 6 }),
      expect: {
        verdict: 'stored',
        upTo: 4,
        advanced: false,
        gap: { from_seq: 7, to_seq: 8 },
        lost: [],
        filled: [],
      },
    },
    {
      name: 'the missing seq arrives: the ack moves over everything stored ahead and the gap is filled',
      state: { upTo: 4, gaps: [gap(1, 5, 5)], ahead: [6, 7, 9] },
      arrival: arrival(5, { below: 4 }),
      expect: { verdict: 'stored', upTo: 7, advanced: true, lost: [], filled: [gap(1, 5, 5)] },
    },
    {
      name: 'a gap open long enough on this connection is given up, and the ack moves past it',
      state: { upTo: 1, gaps: [gap(1, 2, 2, 10)], ahead: [3, 4] },
      arrival: arrival(5, { below: 4, now: 1010, connectedAt: 0 }),
      expect: { verdict: 'stored', upTo: 5, advanced: true, lost: [gap(1, 2, 2, 10)], filled: [] },
    },
    {
      name: 'the wait counts from the current connection, not from when the gap was seen',
      state: { upTo: 1, gaps: [gap(1, 2, 2, 10)], ahead: [3, 4] },
      arrival: arrival(5, { below: 4, now: 5000, connectedAt: 4500 }),
      expect: { verdict: 'stored', upTo: 1, advanced: false, lost: [], filled: [] },
    },
    {
      name: 'a gap above the arriving seq is not given up by it',
      state: { upTo: 1, gaps: [gap(1, 3, 3)], ahead: [4] },
      arrival: arrival(2, { below: 1, now: 99_999 }),
      expect: { verdict: 'stored', upTo: 2, advanced: true, lost: [], filled: [] },
    },
    {
      name: 'a seq given up earlier that arrives late is stored once, the ack stays',
      state: { upTo: 5, gaps: [], ahead: [] },
      arrival: arrival(2, { below: 1 }),
      expect: { verdict: 'stored', upTo: 5, advanced: false, lost: [], filled: [] },
    },
    {
      name: 'a partly received gap given up still moves the ack past its end',
      state: { upTo: 2, gaps: [gap(1, 2, 4, 0)], ahead: [5] },
      arrival: arrival(6, { below: 5, now: 2000 }),
      expect: { verdict: 'stored', upTo: 6, advanced: true, lost: [gap(1, 2, 4, 0)], filled: [] },
    },
    {
      name: 'the first batch of an agent above 1 waits for the seqs before it',
      state: EMPTY,
      arrival: arrival(3),
      expect: {
        verdict: 'stored',
        upTo: 0,
        advanced: false,
        gap: { from_seq: 1, to_seq: 2 },
        lost: [],
        filled: [],
      },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(decide(c.state, c.arrival), c.expect));
});

/** Feeds seqs (with a time each) through decide/apply, as ingest and the store do, and returns the acks. */
function run(steps: { seq: number; at?: number; connectedAt?: number }[], lostAfterMs = 1000) {
  const stored = new Set<number>();
  let state = EMPTY;
  let nextGap = 1;
  const out = steps.map((step) => {
    const a: Arrival = {
      seq: step.seq,
      stored: stored.has(step.seq),
      below: Math.max(0, ...[...stored].filter((n) => n < step.seq)),
      now: step.at ?? 0,
      connectedAt: step.connectedAt ?? 0,
      lostAfterMs,
    };
    const d = decide(state, a);
    if (d.verdict === 'stored') stored.add(step.seq);
    state = apply(state, a, d, nextGap++);
    return d.verdict === 'duplicate' ? `dup:${d.upTo}` : d.lost.length ? `lost:${d.upTo}` : String(d.upTo);
  });
  return { out, state };
}

describe('delivery ledger: a stream of batches', () => {
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
    {
      name: 'a seq of a gap arriving late then the rest given up: the ack is not stuck',
      steps: [{ seq: 1 }, { seq: 5 }, { seq: 2, at: 10 }, { seq: 6, at: 3000 }],
      acks: ['1', '1', '2', 'lost:6'],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(run(c.steps).out, c.acks));

  it('keeps the state a store would load: open gaps and seqs held ahead', () => {
    const { state } = run([{ seq: 1 }, { seq: 4 }, { seq: 6 }]);
    assert.deepEqual(state, {
      upTo: 1,
      gaps: [
        { id: 2, from_seq: 2, to_seq: 3, detected_at: 0 },
        { id: 3, from_seq: 5, to_seq: 5, detected_at: 0 },
      ],
      ahead: [4, 6],
    });
    assert.deepEqual(run([{ seq: 1 }, { seq: 4 }, { seq: 2 }, { seq: 3 }]).state, {
      upTo: 4,
      gaps: [],
      ahead: [],
    });
  });
});
