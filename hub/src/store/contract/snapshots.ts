import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addSite, cameraRecord, type StoreFactory, T0, withStore } from './fixtures.js';

const jpeg = (tag: number) => Uint8Array.from([0xff, 0xd8, tag, 0xff, 0xd9]);

export function snapshotsContract(factory: StoreFactory): void {
  it('keeps the newest `keep` snapshots of a camera, advances last_snapshot_at, and returns images', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      const cam = await store.cameras.insert(cameraRecord(s.id, 'door'), T0);
      const other = await store.cameras.insert(cameraRecord(s.id, 'yard'), T0);
      for (let i = 1; i <= 5; i++) {
        await store.snapshots.add(
          {
            camera_id: cam.id,
            ts: T0 + i * 1000,
            received_at: T0 + i * 1000 + 5,
            agent_id: null,
            job_id: i === 5 ? 'job_x' : null,
            width: 640,
            height: 360,
            image: jpeg(i),
          },
          3,
        );
      }
      // An older snapshot arriving late does not move last_snapshot_at back.
      await store.snapshots.add(
        {
          camera_id: cam.id,
          ts: T0,
          received_at: T0 + 9000,
          agent_id: null,
          job_id: null,
          width: null,
          height: null,
          image: jpeg(9),
        },
        3,
      );
      const list = await store.snapshots.list(cam.id);
      assert.deepEqual(
        list.map((x) => x.ts),
        [T0 + 5000, T0 + 4000, T0 + 3000],
      );
      assert.equal(list[0]?.bytes, 5);
      assert.equal(list[0]?.job_id, 'job_x');
      assert.equal((await store.cameras.get(cam.id))?.last_snapshot_at, T0 + 5000);
      const latest = await store.snapshots.latest(cam.id);
      assert.deepEqual(new Uint8Array(latest?.image ?? []), jpeg(5));
      const at = await store.snapshots.latest(cam.id, T0 + 4500);
      assert.equal(at?.ts, T0 + 4000);
      assert.equal(await store.snapshots.latest(cam.id, T0 + 10), undefined);
      assert.equal(await store.snapshots.latest(other.id), undefined);
      assert.deepEqual(await store.snapshots.list(other.id), []);
    });
  });
}
