import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { HubStore, UnitOfWork } from '../port.js';
import { type StoreFactory, T0, withStore } from './fixtures.js';

const cpu = (tx: UnitOfWork, target: number, ts: number, value: number) =>
  tx.samples.add(tx.samples.seriesOf('device', target, 'cpu', undefined, '%'), ts, value);

async function points(store: HubStore, target: number) {
  const series = await store.series.listSeries('device', String(target), 'cpu');
  if (series.length === 0) return [];
  return store.series.read((series[0] as { id: number }).id, { from: 0, to: T0 + 3_600_000 });
}

/** Samples written through units of work: with the unit's commit, gone with its rollback or savepoint. */
export function samplesContract(factory: StoreFactory): void {
  it('stores a unit’s samples when it commits, readable through the store', async () => {
    await withStore(factory, async (store) => {
      await store.unit(async (tx) => {
        cpu(tx, 1, T0, 10);
        cpu(tx, 1, T0 + 60_000, 20);
        assert.equal(tx.samples.size, 2);
      });
      assert.deepEqual(await points(store, 1), [
        { t: T0, v: 10 },
        { t: T0 + 60_000, v: 20 },
      ]);
      assert.deepEqual(
        (await store.series.metricNames()).map((m) => [m.name, m.unit, m.series]),
        [['cpu', '%', 1]],
      );
    });
  });

  it('drops the samples of a unit that rolls back, and of a failed savepoint only', async () => {
    await withStore(factory, async (store) => {
      await assert.rejects(
        store.unit(async (tx) => {
          cpu(tx, 1, T0, 10);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual(await points(store, 1), []);
      await store.unit(async (tx) => {
        cpu(tx, 2, T0, 1);
        await assert.rejects(
          tx.savepoint(async (sp) => {
            cpu(sp, 2, T0 + 60_000, 2);
            cpu(sp, 3, T0, 3);
            throw new Error('one batch fails');
          }),
          /one batch fails/,
        );
        await tx.savepoint(async (sp) => cpu(sp, 2, T0 + 120_000, 4));
      });
      assert.deepEqual(await points(store, 2), [
        { t: T0, v: 1 },
        { t: T0 + 120_000, v: 4 },
      ]);
      assert.deepEqual(await points(store, 3), [], 'a series created in the failed savepoint is gone');
    });
  });

  it('deletes a target’s series with its unit, and keeps them when the unit rolls back', async () => {
    await withStore(factory, async (store) => {
      await store.unit(async (tx) => cpu(tx, 1, T0, 10));
      await assert.rejects(
        store.unit(async (tx) => {
          await tx.series.deleteTarget('device', '1');
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal((await points(store, 1)).length, 1);
      await store.unit((tx) => tx.series.deleteTarget('device', '1'));
      assert.deepEqual(await store.series.listSeries('device', '1'), []);
    });
  });

  it('reads one series across sealed chunks and the head, late samples merged, after a crash too', async () => {
    const store = await factory.create();
    let current = store;
    try {
      const write = (from: number, n: number, value: (i: number) => number) =>
        current.unit(async (tx) => {
          for (let i = from; i < from + n; i++) cpu(tx, 4, T0 + i * 60_000, value(i));
        });
      await write(0, 5, (i) => i);
      await current.timeseries.seal({ all: true });
      await write(5, 5, (i) => i);
      const sealed = await current.timeseries.seal({ all: true });
      assert.equal(sealed.chunks, 1, 'a second chunk');
      await write(10, 3, (i) => i);
      // Late, over the first sealed chunk, and a rewrite of a head sample.
      await current.unit(async (tx) => {
        cpu(tx, 4, T0 + 2 * 60_000, 200);
        cpu(tx, 4, T0 + 11 * 60_000, 1100);
      });
      const want = Array.from({ length: 13 }, (_, i) => ({
        t: T0 + i * 60_000,
        v: i === 2 ? 200 : i === 11 ? 1100 : i,
      }));
      assert.deepEqual(await points(current, 4), want);
      const [s] = await current.series.listSeries('device', '4', 'cpu');
      const id = (s as { id: number }).id;
      assert.deepEqual(
        await current.series.read(id, { from: T0 + 4 * 60_000, to: T0 + 6 * 60_000 }),
        want.slice(4, 7),
      );
      assert.deepEqual(
        await current.series.read(id, { from: T0, to: T0 + 10 * 60_000 - 1, stepMs: 5 * 60_000 }),
        [
          { t: T0, v: (0 + 1 + 200 + 3 + 4) / 5 },
          { t: T0 + 5 * 60_000, v: 7 },
        ],
      );
      assert.ok((await current.series.countPoints(id, T0, T0 + 12 * 60_000)) >= 13);
      if (factory.reopen) {
        // Closed without sealing the head: what the head held comes back from the head log, once.
        current = await factory.reopen(current);
        assert.deepEqual(await points(current, 4), want);
        const r = await current.timeseries.seal({ all: true });
        assert.ok(r.merged >= 1, 'the late sample was merged into its sealed chunk');
        assert.equal(current.timeseries.stats().headSamples, 0);
        assert.deepEqual(await points(current, 4), want);
      }
    } finally {
      await current.close();
    }
  });

  it('keeps rollups once raw samples expire, then drops whole chunks', async () => {
    await withStore(factory, async (store) => {
      await store.unit(async (tx) => {
        for (let i = 0; i < 12; i++) cpu(tx, 5, T0 + i * 10 * 60_000, i);
      });
      await store.timeseries.seal({ all: true });
      const r = await store.timeseries.retain({ rawBefore: T0 + 86_400_000, rollupBefore: T0 - 1 });
      assert.ok(r.rolledUp >= 1);
      const [s] = await store.series.listSeries('device', '5', 'cpu');
      const id = (s as { id: number }).id;
      const hourly = await store.series.read(id, { from: T0, to: T0 + 2 * 3_600_000 - 1, stepMs: 3_600_000 });
      assert.deepEqual(hourly, [
        { t: T0, v: 2.5 },
        { t: T0 + 3_600_000, v: 8.5 },
      ]);
      const gone = await store.timeseries.retain({
        rawBefore: T0 + 86_400_000,
        rollupBefore: T0 + 86_400_000,
      });
      assert.ok(gone.deleted >= 1);
      assert.deepEqual(await points(store, 5), []);
    });
  });
}
