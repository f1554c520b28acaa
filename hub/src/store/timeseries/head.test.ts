import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Head, type HeadPolicy } from './head.js';

const POLICY: HeadPolicy = { maxSamples: 3, maxSpanMs: 1000, maxAgeMs: 60_000 };

/** Appends [series, ts, log record] triples at wall clock `now`; returns the head. */
function headWith(rows: readonly [number, number, number][], now = 0, policy = POLICY): Head {
  const head = new Head(policy);
  for (const [id, t, log] of rows) head.append(id, t, t / 10, log, now);
  return head;
}

const counts = (head: Head, id: number) => head.get(id)?.chunks.map((c) => [c.count, c.closed]) ?? [];

describe('time-series head', () => {
  const cases: [string, [number, number, number][], (number | boolean)[][]][] = [
    [
      'keeps a chunk open below the sample limit',
      [
        [1, 0, 1],
        [1, 10, 2],
      ],
      [[2, false]],
    ],
    [
      'closes a full chunk when the next record comes',
      [
        [1, 0, 1],
        [1, 10, 2],
        [1, 20, 3],
        [1, 30, 4],
      ],
      [
        [3, true],
        [1, false],
      ],
    ],
    [
      'never cuts a chunk inside one record',
      [
        [1, 0, 1],
        [1, 10, 1],
        [1, 20, 1],
        [1, 30, 1],
      ],
      [[4, false]],
    ],
    [
      'closes a chunk once a sample lies maxSpanMs after its first',
      [
        [1, 0, 1],
        [1, 1000, 2],
      ],
      [
        [1, true],
        [1, false],
      ],
    ],
    [
      'keeps late samples in the open chunk',
      [
        [1, 500, 1],
        [1, 100, 2],
        [1, 300, 3],
      ],
      [[3, false]],
    ],
  ];
  for (const [name, rows, want] of cases) it(name, () => assert.deepEqual(counts(headWith(rows), 1), want));

  it('lists series with closed chunks as due, and those open longer than maxAgeMs when scanning', () => {
    const head = headWith([
      [1, 0, 1],
      [1, 10, 2],
      [1, 20, 3],
      [1, 30, 4],
      [2, 0, 4],
    ]);
    assert.deepEqual(
      head.dueSeries(0).map((s) => s.id),
      [1],
    );
    assert.deepEqual(
      head.dueSeries(60_000).map((s) => s.id),
      [1],
      'age is checked only when scanning',
    );
    assert.deepEqual(
      head.dueSeries(59_999, { scanAge: true }).map((s) => s.id),
      [1],
    );
    assert.deepEqual(
      head
        .dueSeries(60_000, { scanAge: true })
        .map((s) => s.id)
        .sort(),
      [1, 2],
    );
    assert.deepEqual(counts(head, 2), [[1, true]]);
  });

  it('tells up to which record a series is sealed, and which records may go', () => {
    const head = headWith([
      [1, 0, 1],
      [1, 10, 2],
      [1, 20, 3],
      [2, 0, 3],
      [1, 30, 4],
    ]);
    assert.equal(head.frontier(4), 1);
    const s1 = head.get(1)!;
    assert.deepEqual(
      head.closedChunks(s1).map((c) => [c.minLog, c.maxLog]),
      [[1, 3]],
    );
    head.sealed(s1, 1);
    assert.equal(head.sealedThrough(1, 4), 3, 'its open chunk starts at record 4');
    assert.equal(head.frontier(4), 3, 'series 2 still needs record 3');
    assert.equal(head.sealedThrough(3, 4), 4, 'nothing in the head: sealed up to the last record');
    assert.deepEqual(
      head
        .dueSeries(0, { all: true })
        .map((s) => s.id)
        .sort(),
      [1, 2],
      'all: every chunk closed',
    );
    head.sealed(head.get(2)!, 1);
    head.sealed(head.get(1)!, 1);
    assert.equal(head.frontier(4), 5);
    assert.equal(head.sampleCount, 0);
    assert.equal(head.seriesCount, 0);
  });

  it('forgets a dropped series', () => {
    const head = headWith([
      [1, 0, 1],
      [2, 0, 1],
    ]);
    head.drop(1);
    assert.equal(head.get(1), undefined);
    assert.equal(head.sampleCount, 1);
    assert.equal(head.frontier(1), 1);
  });
});
