import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from './db.js';
import { canonicalLabels, SeriesStore } from './sample-writer.js';

describe('series and samples', () => {
  const cases: [Record<string, string> | undefined, string][] = [
    [undefined, '{}'],
    [{}, '{}'],
    [{ if_index: '1' }, '{"if_index":"1"}'],
    [{ if_index: '1', if_name: 'Gi0/1' }, '{"if_index":"1","if_name":"Gi0/1"}'],
    [{ if_name: 'Gi0/1', if_index: '1' }, '{"if_index":"1","if_name":"Gi0/1"}'],
    [{ sensor: 'b', ifx: 'a', a: 'c' }, '{"a":"c","ifx":"a","sensor":"b"}'],
  ];
  for (const [labels, json] of cases) {
    it(`names labels ${JSON.stringify(labels)} canonically`, () => {
      assert.equal(canonicalLabels(labels), json);
    });
  }

  it('maps the same target, metric and labels (in any order) to one series', () => {
    const db = openDatabase(':memory:');
    const store = new SeriesStore(db);
    const base = { target_kind: 'device' as const, target_id: '7', metric: 'if_in_bps', value: 1 };
    db.transaction(() =>
      store.insertSamples(
        [
          { ...base, ts: 1, labels: { if_index: '1', if_name: 'a' } },
          { ...base, ts: 2, labels: { if_name: 'a', if_index: '1' } },
          { ...base, ts: 3, labels: { if_index: '2' } },
        ],
        0,
        300_000,
      ),
    )();
    assert.equal(db.prepare('SELECT count(*) FROM series').pluck().get(), 2);
    assert.equal(db.prepare('SELECT count(*) FROM samples').pluck().get(), 3);
  });
});
