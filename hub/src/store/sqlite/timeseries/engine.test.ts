import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runTimeSeriesContract, type TimeSeriesHandle, writeSamples } from '../../timeseries/contract.js';
import type { HeadPolicy } from '../../timeseries/head.js';
import { openDatabase } from '../database.js';
import { SqliteTimeSeries } from './engine.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-ts-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;

function handle(file: string, policy: HeadPolicy, clock: () => number): TimeSeriesHandle {
  const db = openDatabase(file);
  const store = new SqliteTimeSeries(db, { policy, clock, sealSeriesPerTransaction: 2 });
  return {
    store,
    async transact(fn) {
      db.transaction(fn)();
    },
    async transactWithSavepoint(outer, inner, after) {
      db.transaction(() => {
        outer();
        try {
          db.transaction(inner)();
        } catch {
          // the savepoint rolled back alone
        }
        after();
      })();
    },
    reopen() {
      // A new process on the same file: the old connection is dropped without close() (as by kill -9).
      const again = handle(file, policy, clock);
      db.close();
      return again;
    },
    dispose() {
      db.close();
    },
  };
}

runTimeSeriesContract('sqlite', {
  create: ({ policy, clock }) => handle(path.join(dir, `ts-${++n}.db`), policy, clock),
});

describe('sqlite time series: shared timestamp columns', () => {
  const T0 = Date.UTC(2026, 3, 1);
  const policy = { maxSamples: 1000, maxSpanMs: 3_600_000, maxAgeMs: 3_600_000 };
  const ALL = { from: 0, to: Number.MAX_SAFE_INTEGER };

  it('stores the timestamps of series polled together once, and a late sample gives its chunk its own', async () => {
    const h = handle(path.join(dir, `ts-${++n}.db`), policy, () => T0);
    const db = openDatabase(path.join(dir, `ts-${n}.db`));
    const keys = ['in', 'out', 'errors'].map((m) => ({ kind: 'device', target: '5', metric: m }) as const);
    const times = [0, 10_013, 20_002, 30_019, 40_001].map((d) => T0 + d);
    const samples = times.flatMap((t, i) =>
      keys.map((k, j) => [k, t, i * 10 + j] as [typeof k, number, number]),
    );
    const ids = await writeSamples(h, samples);
    await h.store.seal({ all: true });
    assert.equal(db.prepare('SELECT count(*) FROM ts_times').pluck().get(), 1);
    assert.deepEqual(db.prepare('SELECT count(*) AS n, count(DISTINCT times_id) AS d FROM ts_chunks').get(), {
      n: 3,
      d: 1,
    });
    for (const [j, id] of ids.entries()) {
      assert.deepEqual(
        (await h.store.read(id, ALL)).map((p) => [p.t, p.v]),
        times.map((t, i) => [t, i * 10 + j]),
      );
    }
    await writeSamples(h, [[keys[0]!, T0 + 10_013, -1]]);
    await h.store.seal({ all: true });
    assert.deepEqual(
      db.prepare('SELECT series_id, times_id IS NULL AS own FROM ts_chunks ORDER BY series_id').all(),
      ids.map((id, j) => ({ series_id: id, own: j === 0 ? 1 : 0 })),
    );
    const again = h.reopen();
    assert.equal((await again.store.read(ids[0]!, { from: T0 + 10_013, to: T0 + 10_013 }))[0]?.v, -1);
    assert.equal((await again.store.read(ids[1]!, ALL)).length, 5);
    const r = await again.store.retain({ rawBefore: T0 + 86_400_000, rollupBefore: T0 - 1 });
    assert.equal(r.rolledUp, 3);
    assert.equal(
      db.prepare('SELECT count(*) FROM ts_times').pluck().get(),
      0,
      'no chunk needs them any more',
    );
    assert.deepEqual(await again.store.read(ids[1]!, { from: T0, to: T0 + 3_600_000, stepMs: 3_600_000 }), [
      { t: T0, v: (1 + 11 + 21 + 31 + 41) / 5 },
    ]);
    db.close();
    again.dispose();
  });
});
