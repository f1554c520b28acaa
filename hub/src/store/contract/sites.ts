import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isStoreError } from '../errors.js';
import { addSite, cameraRecord, deviceRecord, type StoreFactory, T0, withStore } from './fixtures.js';

export function sitesContract(factory: StoreFactory): void {
  it('inserts sites with defaults, finds them by id and by name without regard to case', async () => {
    await withStore(factory, async (store) => {
      const s = await store.sites.insert({ name: 'Shop 12', address: 'Main St 1' }, T0);
      assert.deepEqual(s, {
        id: s.id,
        name: 'Shop 12',
        address: 'Main St 1',
        location: null,
        timezone: 'UTC',
        notes: null,
        group_id: null,
        created_at: T0,
        updated_at: T0,
      });
      assert.deepEqual(await store.sites.get(s.id), s);
      assert.deepEqual(await store.sites.byName('shop 12'), s);
      assert.equal(await store.sites.byName('shop 13'), undefined);
      await assert.rejects(addSite(store, 'SHOP 12'), (err) => isStoreError(err, 'conflict'));
    });
  });

  it('updates only the fields given and lists by name with device and camera counts', async () => {
    await withStore(factory, async (store) => {
      const b = await addSite(store, 'b-site');
      const a = await addSite(store, 'a-site');
      const u = await store.sites.update(b.id, { notes: 'n', timezone: 'Europe/Paris' }, T0 + 5);
      assert.equal(u?.notes, 'n');
      assert.equal(u?.timezone, 'Europe/Paris');
      assert.equal(u?.name, 'b-site');
      assert.equal(u?.updated_at, T0 + 5);
      assert.equal(await store.sites.update(b.id + 1000, { notes: 'x' }, T0), undefined);
      await store.devices.insert(deviceRecord(b.id, 'sw'), T0);
      await store.cameras.insert(cameraRecord(b.id, 'cam'), T0);
      await store.cameras.insert(cameraRecord(b.id, 'cam2'), T0);
      const list = await store.sites.list();
      assert.deepEqual(
        list.map((s) => [s.name, s.device_count, s.camera_count]),
        [
          ['a-site', 0, 0],
          ['b-site', 1, 2],
        ],
      );
      assert.deepEqual(await store.sites.usage(b.id), { devices: 1, cameras: 2 });
      assert.deepEqual(await store.sites.usage(a.id), { devices: 0, cameras: 0 });
    });
  });

  it('deletes an empty site once; a site still referenced is refused with reference', async () => {
    await withStore(factory, async (store) => {
      const a = await addSite(store, 'a');
      const b = await addSite(store, 'b');
      await store.devices.insert(deviceRecord(b.id, 'sw'), T0);
      assert.equal(await store.sites.delete(a.id), true);
      assert.equal(await store.sites.delete(a.id), false);
      await assert.rejects(store.sites.delete(b.id), (err) => isStoreError(err, 'reference'));
      assert.ok(await store.sites.get(b.id));
    });
  });
}
