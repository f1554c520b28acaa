import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from './db.js';
import { average, deleteSeriesOf, labelsMatch, listSeries, readPoints } from './series.js';

describe('average', () => {
  const rows = [
    { t: 0, sum: 10, count: 1 },
    { t: 30_000, sum: 20, count: 1 },
    { t: 60_000, sum: 90, count: 3 },
  ];
  const cases: [string, number | undefined, { t: number; v: number }[]][] = [
    [
      'no step: each row',
      undefined,
      [
        { t: 0, v: 10 },
        { t: 30_000, v: 20 },
        { t: 60_000, v: 30 },
      ],
    ],
    [
      '1 min steps',
      60_000,
      [
        { t: 0, v: 15 },
        { t: 60_000, v: 30 },
      ],
    ],
    ['one big step, weighted by count', 3_600_000, [{ t: 0, v: 24 }]],
  ];
  for (const [name, step, expected] of cases) it(name, () => assert.deepEqual(average(rows, step), expected));
});

describe('series read side', () => {
  it('reads raw samples, falls back to rollups before the oldest raw sample, and lists metric names', () => {
    const db = openDatabase(':memory:');
    db.prepare(
      "INSERT INTO series (id, target_kind, target_id, metric, unit, labels) VALUES (1, 'device', '7', 'cpu', '%', '{}')",
    ).run();
    db.prepare(
      `INSERT INTO series (id, target_kind, target_id, metric, unit, labels) VALUES (2, 'device', '7', 'if_in_bps', 'bit/s', '{"ifName":"Gi0/1"}')`,
    ).run();
    db.prepare(
      'INSERT INTO rollups (series_id, bucket_ts, count, sum, min, max) VALUES (1, 0, 4, 40, 5, 15), (1, 3600000, 2, 100, 50, 50)',
    ).run();
    db.prepare('INSERT INTO samples (series_id, ts, value) VALUES (1, 7200000, 1), (1, 7260000, 3)').run();
    assert.deepEqual(readPoints(db, 1, 0, 8_000_000), [
      { t: 0, v: 10 },
      { t: 3_600_000, v: 50 },
      { t: 7_200_000, v: 1 },
      { t: 7_260_000, v: 3 },
    ]);
    assert.deepEqual(readPoints(db, 1, 7_000_000, 8_000_000, 3_600_000), [{ t: 7_200_000, v: 2 }]);
    assert.deepEqual(
      listSeries(db, 'device', 7).map((s) => s.metric),
      ['cpu', 'if_in_bps'],
    );
    assert.equal(labelsMatch({ ifName: 'Gi0/1' }, { ifName: 'Gi0/1' }), true);
    assert.equal(labelsMatch({ ifName: 'Gi0/1' }, { ifName: 'Gi0/2' }), false);
    deleteSeriesOf(db, 'device', 7);
    assert.equal(db.prepare('SELECT COUNT(*) FROM samples').pluck().get(), 0);
    assert.equal(db.prepare('SELECT COUNT(*) FROM rollups').pluck().get(), 0);
    assert.equal(listSeries(db, 'device', 7).length, 0);
  });
});
