import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { DeviceSort } from '../devices.js';
import { isStoreError } from '../errors.js';
import { addSite, deviceRecord, type StoreFactory, T0, withStore } from './fixtures.js';

export function devicesContract(factory: StoreFactory): void {
  it('inserts a device with unknown state, reads it back, updates only the fields given', async () => {
    await withStore(factory, async (store) => {
      const site = await addSite(store, 's');
      const d = await store.devices.insert(deviceRecord(site.id, 'sw1', { vendor: 'Cisco' }), T0);
      assert.equal(d.name, 'sw1');
      assert.equal(d.vendor, 'Cisco');
      assert.equal(d.status, 'unknown');
      assert.equal(d.last_seen, null);
      assert.equal(d.created_at, T0);
      assert.deepEqual(await store.devices.get(d.id), d);
      const u = await store.devices.update(d.id, { name: 'sw1b', parent_id: null }, T0 + 1);
      assert.equal(u?.name, 'sw1b');
      assert.equal(u?.vendor, 'Cisco');
      assert.equal(u?.updated_at, T0 + 1);
      assert.equal(await store.devices.update(d.id + 1000, { name: 'x' }, T0), undefined);
      assert.equal(await store.devices.siteOf(d.id), site.id);
      assert.equal(await store.devices.siteOf(d.id + 1000), undefined);
    });
  });

  it('refuses a device of a site that does not exist with reference', async () => {
    await withStore(factory, async (store) => {
      await assert.rejects(store.devices.insert(deviceRecord(999, 'x'), T0), (err) =>
        isStoreError(err, 'reference'),
      );
    });
  });

  it('records reported state: last_seen moves only when online, sys facts are kept when absent', async () => {
    await withStore(factory, async (store) => {
      const site = await addSite(store, 's');
      const d = await store.devices.insert(deviceRecord(site.id, 'sw'), T0);
      await store.devices.setState({
        id: d.id,
        status: 'online',
        error: null,
        ts: T0 + 10,
        sys: { name: 'core', descr: 'IOS', object_id: '1.3.6.1.4.1.9', uptime_s: 100 },
      });
      assert.deepEqual(await store.devices.state(d.id), {
        id: d.id,
        site_id: site.id,
        status: 'online',
        uptime_s: 100,
      });
      await store.devices.setState({ id: d.id, status: 'unreachable', error: 'timeout', ts: T0 + 20 });
      const row = await store.devices.get(d.id);
      assert.equal(row?.status, 'unreachable');
      assert.equal(row?.status_error, 'timeout');
      assert.equal(row?.last_seen, T0 + 10);
      assert.equal(row?.sys_name, 'core');
      assert.equal(row?.uptime_s, 100);
      assert.equal(await store.devices.state(d.id + 1000), undefined);
    });
  });

  it('lists with equality filters, offline as unreachable or auth_failed, a literal search, sort and pages', async () => {
    await withStore(factory, async (store) => {
      const a = await addSite(store, 'a');
      const b = await addSite(store, 'b');
      const mk = (site: number, name: string, over = {}) =>
        store.devices.insert(deviceRecord(site, name, over), T0);
      const zeta = await mk(a.id, 'zeta', { device_type: 'router' });
      await mk(b.id, 'alpha', { ip_address: '10.9.9.9', mac_address: '00:1a:2b:3c:4d:5e' });
      const mid = await mk(a.id, 'mid%_\\', { device_type: 'router' });
      await store.devices.setState({ id: mid.id, status: 'online', error: null, ts: T0 });
      await store.devices.setState({ id: zeta.id, status: 'auth_failed', error: null, ts: T0 });
      const names = async (
        f: Parameters<typeof store.devices.list>[0],
        sort: DeviceSort = 'name',
        order: 'asc' | 'desc' = 'asc',
      ) => (await store.devices.list(f, sort, order, 1, 50)).rows.map((d) => d.name);
      assert.deepEqual(await names({}), ['alpha', 'mid%_\\', 'zeta']);
      assert.deepEqual(await names({}, 'name', 'desc'), ['zeta', 'mid%_\\', 'alpha']);
      assert.deepEqual(await names({ device_type: 'router' }), ['mid%_\\', 'zeta']);
      assert.deepEqual(await names({ site_id: b.id }), ['alpha']);
      assert.deepEqual(await names({ status: 'online' }), ['mid%_\\']);
      assert.deepEqual(await names({ status: 'offline' }), ['zeta']);
      assert.deepEqual(await names({ q: '10.9' }), ['alpha']);
      assert.deepEqual(await names({ q: '001a2b' }), ['alpha'], 'a MAC without colons');
      assert.deepEqual(await names({ q: '%_\\' }), ['mid%_\\'], 'wildcards are literal');
      const page = await store.devices.list({}, 'name', 'asc', 2, 2);
      assert.equal(page.total, 3);
      assert.deepEqual(
        page.rows.map((d) => d.name),
        ['zeta'],
      );
      assert.deepEqual(await store.devices.statusCounts(), { auth_failed: 1, online: 1, unknown: 1 });
      assert.deepEqual(await store.devices.statusCounts(b.id), { unknown: 1 });
      assert.deepEqual(
        (await store.devices.forSite(a.id)).map((d) => d.id),
        [zeta.id, mid.id],
      );
    });
  });

  it('walks ancestors up the parent chain and stops at a cycle; links list every device', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      const root = await store.devices.insert(deviceRecord(s.id, 'root'), T0);
      const mid = await store.devices.insert(deviceRecord(s.id, 'mid', { parent_id: root.id }), T0);
      const leaf = await store.devices.insert(
        deviceRecord(s.id, 'leaf', { parent_id: mid.id, device_type: 'ups' }),
        T0,
      );
      assert.deepEqual(await store.devices.ancestors(leaf.id), [mid.id, root.id]);
      assert.deepEqual(await store.devices.ancestors(root.id), []);
      await store.devices.update(root.id, { parent_id: leaf.id }, T0);
      // A cycle ends the walk once it comes back round (the device itself shows up: a route refuses that).
      assert.deepEqual(await store.devices.ancestors(leaf.id), [mid.id, root.id, leaf.id]);
      assert.deepEqual(await store.devices.links(), [
        { id: root.id, parent_id: leaf.id, status: 'unknown', device_type: 'switch' },
        { id: mid.id, parent_id: root.id, status: 'unknown', device_type: 'switch' },
        { id: leaf.id, parent_id: mid.id, status: 'unknown', device_type: 'ups' },
      ]);
    });
  });

  it('deletes a device once; its children lose their parent', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      const p = await store.devices.insert(deviceRecord(s.id, 'p'), T0);
      const c = await store.devices.insert(deviceRecord(s.id, 'c', { parent_id: p.id }), T0);
      assert.equal(await store.devices.delete(p.id), true);
      assert.equal(await store.devices.delete(p.id), false);
      assert.equal((await store.devices.get(c.id))?.parent_id, null);
    });
  });
}
