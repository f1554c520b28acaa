import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addAgent, addSite, deviceRecord, type StoreFactory, T0, withStore } from './fixtures.js';

export function topologyContract(factory: StoreFactory): void {
  it('keeps the newest topology facts of devices and agents, by site', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      const d = await store.devices.insert(deviceRecord(s.id, 'sw'), T0);
      await addAgent(store, 'agent-a', s.id);
      assert.equal(await store.topology.saveDevice(d.id, T0 + 10, '{"v":2}'), true);
      assert.equal(await store.topology.saveDevice(d.id, T0 + 5, '{"v":1}'), false, 'older facts lose');
      assert.equal(await store.topology.saveDevice(9999, T0, '{}'), false, 'no such device');
      assert.equal(await store.topology.saveAgent('agent-a', T0 + 3, '{"a":1}'), true);
      assert.deepEqual(await store.topology.forSite(s.id), {
        devices: [{ key: String(d.id), ts: T0 + 10, facts: '{"v":2}' }],
        agents: [{ key: 'agent-a', ts: T0 + 3, facts: '{"a":1}' }],
      });
    });
  });

  it("replaces a site's inferred parents but keeps pinned ones' parents; schedules discovery per site", async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      const up = await store.devices.insert(deviceRecord(s.id, 'up'), T0);
      const other = await store.devices.insert(deviceRecord(s.id, 'other'), T0);
      const a = await store.devices.insert(deviceRecord(s.id, 'a'), T0);
      const b = await store.devices.insert(deviceRecord(s.id, 'b'), T0);
      await store.topology.replaceInferred(
        s.id,
        [
          { target_kind: 'device', target_id: a.id, parent_id: up.id, evidence: '{"e":1}', inferred_at: 0 },
          { target_kind: 'device', target_id: b.id, parent_id: up.id, evidence: '{"e":1}', inferred_at: 0 },
        ],
        T0,
      );
      assert.equal((await store.topology.pin('device', a.id, true))?.pinned, 1);
      await store.topology.replaceInferred(
        s.id,
        [
          {
            target_kind: 'device',
            target_id: a.id,
            parent_id: other.id,
            evidence: '{"e":2}',
            inferred_at: 0,
          },
        ],
        T0 + 1,
      );
      const rows = await store.topology.inferred(s.id);
      assert.deepEqual(
        rows.map((r) => [r.target_id, r.parent_id, r.pinned, r.inferred_at]),
        [[a.id, up.id, 1, T0 + 1]],
        'b is gone; the pinned a keeps its parent',
      );
      await store.topology.forget('device', a.id);
      assert.deepEqual(await store.topology.inferred(), []);

      await store.topology.setSchedule({
        site_id: s.id,
        args: '{}',
        interval_s: 3600,
        next_run_at: T0 + 5,
        last_job_id: null,
        updated_at: T0,
      });
      await store.topology.setSchedule({
        site_id: s.id,
        args: '{"x":1}',
        interval_s: 60,
        next_run_at: T0 + 9,
        last_job_id: 'job_1',
        updated_at: T0 + 1,
      });
      assert.deepEqual(await store.topology.schedules(), [
        {
          site_id: s.id,
          args: '{"x":1}',
          interval_s: 60,
          next_run_at: T0 + 9,
          last_job_id: 'job_1',
          updated_at: T0 + 1,
        },
      ]);
      await store.topology.setSchedule({ site_id: s.id, delete: true });
      assert.equal(await store.topology.schedule(s.id), undefined);
    });
  });

  it('records discovered hosts per site, the latest finding winning, and forgets dismissed ones', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      await store.discovered.upsert(
        s.id,
        [
          { ip: '10.0.0.2', host: '{"v":1}' },
          { ip: '10.0.0.1', host: '{"v":1}' },
        ],
        'job_1',
        T0,
      );
      await store.discovered.upsert(s.id, [{ ip: '10.0.0.2', host: '{"v":2}' }], 'job_2', T0 + 10);
      assert.deepEqual(
        (await store.discovered.list(s.id)).map((h) => [h.ip, h.host, h.first_seen, h.last_seen, h.job_id]),
        [
          ['10.0.0.1', '{"v":1}', T0, T0, 'job_1'],
          ['10.0.0.2', '{"v":2}', T0, T0 + 10, 'job_2'],
        ],
      );
      assert.equal((await store.discovered.get(s.id, '10.0.0.2'))?.job_id, 'job_2');
      assert.equal(await store.discovered.remove(s.id, ['10.0.0.1', '10.0.0.9']), 1);
      assert.deepEqual(
        (await store.discovered.list(s.id)).map((h) => h.ip),
        ['10.0.0.2'],
      );
    });
  });
}
