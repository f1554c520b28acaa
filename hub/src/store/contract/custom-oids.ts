import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { CustomOid } from '@outpost/protocol';
import { addSite, deviceRecord, type StoreFactory, T0, withStore } from './fixtures.js';

const temp: CustomOid = {
  oid: '1.3.6.1.4.1.318.1.1.1.2.3.2.0',
  name: 'ups_battery_temp',
  type: 'gauge',
  unit: 'celsius',
  scale: 0.1,
  walk: false,
};
const zones: CustomOid = {
  oid: '1.3.6.1.4.1.99999.1.2',
  name: 'zone_state',
  type: 'string',
  scale: 1,
  walk: true,
  sys_object_id: '1.3.6.1.4.1.99999',
};

export function customOidsContract(factory: StoreFactory): void {
  it('keeps a device list and a site list apart, in order, each replaced as a whole', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      const d = await store.devices.insert(deviceRecord(s.id, 'ups'), T0);
      await store.customOids.replace({ device_id: d.id }, [zones, temp]);
      await store.customOids.replace({ site_id: s.id }, [temp]);
      assert.deepEqual(await store.customOids.list({ device_id: d.id }), [zones, temp]);
      assert.deepEqual(await store.customOids.list({ site_id: s.id }), [temp]);
      await store.customOids.replace({ device_id: d.id }, [temp]);
      assert.deepEqual(await store.customOids.list({ device_id: d.id }), [temp]);
      await store.customOids.replace({ site_id: s.id }, []);
      assert.deepEqual(await store.customOids.list({ site_id: s.id }), []);
    });
  });

  it('gives a site config the lists of its own devices only, and forgets those of a deleted device', async () => {
    await withStore(factory, async (store) => {
      const a = await addSite(store, 'a');
      const b = await addSite(store, 'b');
      const d1 = await store.devices.insert(deviceRecord(a.id, 'ups-1'), T0);
      const d2 = await store.devices.insert(deviceRecord(a.id, 'ups-2'), T0);
      const d3 = await store.devices.insert(deviceRecord(b.id, 'ups-3'), T0);
      for (const id of [d1.id, d2.id, d3.id]) await store.customOids.replace({ device_id: id }, [temp]);
      const map = await store.customOids.devicesOfSite(a.id);
      assert.deepEqual([...map.keys()].sort(), [d1.id, d2.id].sort());
      assert.deepEqual(map.get(d1.id), [temp]);
      await store.devices.delete(d2.id);
      assert.deepEqual([...(await store.customOids.devicesOfSite(a.id)).keys()], [d1.id]);
    });
  });
}
