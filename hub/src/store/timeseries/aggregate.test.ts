import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { average, mergeRuns, normalize, StepSums } from './aggregate.js';

const run = (pairs: [number, number][]) => ({ ts: pairs.map((p) => p[0]), values: pairs.map((p) => p[1]) });
const pts = (pairs: [number, number][]) => pairs.map(([t, v]) => ({ t, v }));

describe('merging runs of one series (last write wins)', () => {
  const cases: [string, [number, number][][], number, number, [number, number][]][] = [
    [
      'concatenates runs in order',
      [
        [
          [1, 1],
          [2, 2],
        ],
        [[3, 3]],
      ],
      0,
      9,
      [
        [1, 1],
        [2, 2],
        [3, 3],
      ],
    ],
    [
      'keeps only the range',
      [
        [
          [1, 1],
          [2, 2],
        ],
        [[3, 3]],
      ],
      2,
      2,
      [[2, 2]],
    ],
    [
      'a later run wins over an earlier one',
      [
        [
          [1, 1],
          [2, 2],
        ],
        [[2, 20]],
      ],
      0,
      9,
      [
        [1, 1],
        [2, 20],
      ],
    ],
    [
      'a later sample wins within a run',
      [
        [
          [2, 1],
          [1, 5],
          [2, 3],
        ],
      ],
      0,
      9,
      [
        [1, 5],
        [2, 3],
      ],
    ],
    [
      'sorts overlapping runs',
      [
        [
          [5, 5],
          [1, 1],
        ],
        [[3, 3]],
      ],
      0,
      9,
      [
        [1, 1],
        [3, 3],
        [5, 5],
      ],
    ],
    ['nothing', [], 0, 9, []],
  ];
  for (const [name, runs, from, to, want] of cases) {
    it(name, () => assert.deepEqual(mergeRuns(runs.map(run), from, to), pts(want)));
  }

  it('normalizes a run into sorted columns without repeated timestamps', () => {
    const n = normalize({ ts: Float64Array.from([3, 1, 3]), values: Float64Array.from([1, 2, 4]) });
    assert.deepEqual(
      [Array.from(n.ts), Array.from(n.values)],
      [
        [1, 3],
        [2, 4],
      ],
    );
  });
});

describe('averaging into steps', () => {
  const rows = [
    { t: 0, sum: 2, count: 1 },
    { t: 50, sum: 10, count: 4 },
    { t: 120, sum: 7, count: 1 },
    { t: 130, sum: 0, count: 0 },
  ];
  const cases: [string, number | undefined, [number, number][]][] = [
    [
      'each row alone without a step',
      undefined,
      [
        [0, 2],
        [50, 2.5],
        [120, 7],
      ],
    ],
    [
      'weighted by count in aligned steps',
      100,
      [
        [0, 12 / 5],
        [100, 7],
      ],
    ],
  ];
  for (const [name, step, want] of cases) it(name, () => assert.deepEqual(average(rows, step), pts(want)));
});

describe('step sums', () => {
  it('averages samples and buckets per aligned step, dropping what lies outside', () => {
    const s = new StepSums(100, 399, 100);
    s.add(99, 1000, 1); // before the first step
    s.add(100, 2, 1);
    s.add(150, 4, 1);
    s.add(300, 30, 3); // a bucket of three samples
    s.add(400, 1000, 1); // after the last step
    assert.deepEqual(
      s.points(),
      pts([
        [100, 3],
        [300, 10],
      ]),
    );
  });

  it('counts in a map when the range holds too many steps for arrays', () => {
    const s = new StepSums(0, 2 ** 40, 1);
    s.add(2 ** 39, 5, 1);
    s.add(7, 1, 1);
    s.add(7, 3, 1);
    assert.deepEqual(
      s.points(),
      pts([
        [7, 2],
        [2 ** 39, 5],
      ]),
    );
  });
});
