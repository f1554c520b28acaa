import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addSite, cameraRecord, type StoreFactory, T0, withStore } from './fixtures.js';

export function camerasContract(factory: StoreFactory): void {
  it('inserts, reads, updates only the fields given and deletes cameras', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      const c = await store.cameras.insert(cameraRecord(s.id, 'door', { username: 'view' }), T0);
      assert.equal(c.status, 'unknown');
      assert.equal(c.username, 'view');
      assert.equal(c.last_snapshot_at, null);
      assert.deepEqual(await store.cameras.get(c.id), c);
      const u = await store.cameras.update(c.id, { location: 'front', password_secret: null }, T0 + 1);
      assert.equal(u?.location, 'front');
      assert.equal(u?.username, 'view');
      assert.equal(await store.cameras.siteOf(c.id), s.id);
      assert.equal(await store.cameras.delete(c.id), true);
      assert.equal(await store.cameras.delete(c.id), false);
      assert.equal(await store.cameras.get(c.id), undefined);
    });
  });

  it('records state: last_seen moves when online or degraded, stream facts are kept when absent', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      const c = await store.cameras.insert(cameraRecord(s.id, 'yard'), T0);
      await store.cameras.setState({
        id: c.id,
        status: 'degraded',
        reason: 'low fps',
        ts: T0 + 5,
        stream: { fps: 8 },
      });
      await store.cameras.setState({ id: c.id, status: 'offline', reason: 'timeout', ts: T0 + 9 });
      const row = await store.cameras.get(c.id);
      assert.equal(row?.status, 'offline');
      assert.equal(row?.status_reason, 'timeout');
      assert.equal(row?.last_seen, T0 + 5);
      assert.deepEqual(JSON.parse(row?.stream_json ?? 'null'), { fps: 8 });
      assert.deepEqual(await store.cameras.state(c.id), { id: c.id, site_id: s.id, status: 'offline' });
    });
  });

  it('lists by filter, literal search, sort and page; counts by status; lists a site by id', async () => {
    await withStore(factory, async (store) => {
      const a = await addSite(store, 'a');
      const b = await addSite(store, 'b');
      const gate = await store.cameras.insert(cameraRecord(a.id, 'gate', { location: 'north_gate' }), T0);
      const door = await store.cameras.insert(cameraRecord(a.id, 'door'), T0);
      await store.cameras.insert(cameraRecord(b.id, 'yard', { ip_address: '10.1.1.1' }), T0);
      await store.cameras.setState({ id: door.id, status: 'online', reason: null, ts: T0 });
      const names = async (f: Parameters<typeof store.cameras.list>[0]) =>
        (await store.cameras.list(f, 'name', 'asc', 1, 10)).rows.map((c) => c.name);
      assert.deepEqual(await names({}), ['door', 'gate', 'yard']);
      assert.deepEqual(await names({ site_id: a.id }), ['door', 'gate']);
      assert.deepEqual(await names({ status: 'online' }), ['door']);
      assert.deepEqual(await names({ q: 'h_g' }), ['gate'], 'underscore is literal');
      assert.deepEqual(await names({ q: '10.1.1' }), ['yard']);
      assert.equal((await store.cameras.list({}, 'name', 'desc', 1, 1)).total, 3);
      assert.deepEqual(await store.cameras.statusCounts(), { online: 1, unknown: 2 });
      assert.deepEqual(await store.cameras.statusCounts(a.id), { online: 1, unknown: 1 });
      assert.deepEqual(
        (await store.cameras.forSite(a.id)).map((c) => c.id),
        [gate.id, door.id],
      );
    });
  });
}
