import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type StoreFactory, T0, withStore } from './fixtures.js';

export function maintenanceContract(factory: StoreFactory): void {
  it('stores windows with their scope and schedule, replaces and deletes them', async () => {
    await withStore(factory, async (store) => {
      const m = store.maintenance;
      const w = await m.insert(
        {
          name: 'upgrade',
          scope: { type: 'site', id: 3 },
          schedule: { type: 'once', starts_at: T0, ends_at: T0 + 3_600_000 },
          enabled: true,
          notes: null,
        },
        null,
        T0,
      );
      assert.deepEqual(JSON.parse(w.scope), { type: 'site', id: 3 });
      assert.equal(w.enabled, 1);
      await m.insert(
        { name: 'nightly', scope: { type: 'all' }, schedule: { type: 'weekly' }, enabled: false, notes: 'x' },
        null,
        T0,
      );
      const r = await m.update(
        w.id,
        {
          name: 'upgrade 2',
          scope: { type: 'all' },
          schedule: { type: 'weekly' },
          enabled: false,
          notes: 'later',
        },
        T0 + 1,
      );
      assert.equal(r?.name, 'upgrade 2');
      assert.equal(r?.notes, 'later');
      assert.equal(r?.enabled, 0);
      assert.deepEqual(
        (await m.list()).map((x) => x.name),
        ['upgrade 2', 'nightly'],
      );
      assert.equal(
        await m.update(999, { name: 'x', scope: {}, schedule: {}, enabled: true, notes: null }, T0),
        undefined,
      );
      assert.equal(await m.delete(w.id), true);
      assert.equal(await m.delete(w.id), false);
      assert.equal(await m.get(w.id), undefined);
    });
  });
}
