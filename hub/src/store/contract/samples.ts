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
}
