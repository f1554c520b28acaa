import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addAgent, addSite, deviceRecord, type StoreFactory, T0, withStore } from './fixtures.js';

export function agentEventsContract(factory: StoreFactory): void {
  it('stores agent events with their data and lists them newest first, per agent, bounded', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      await addAgent(store, 'agent-a', s.id);
      await addAgent(store, 'agent-b', s.id);
      const ev = (agent_id: string, ts: number, type: string) =>
        store.agentEvents.insert({
          agent_id,
          site_id: s.id,
          ts,
          type,
          device_id: null,
          camera_id: null,
          data: { n: ts - T0, nested: { ok: true } },
          received_at: ts + 1,
        });
      await ev('agent-a', T0 + 1, 'error');
      await ev('agent-a', T0 + 3, 'buffer_drop');
      await ev('agent-b', T0 + 2, 'lifecycle');
      const a = await store.agentEvents.list({ agent_id: 'agent-a' });
      assert.deepEqual(
        a.map((e) => [e.type, e.data]),
        [
          ['buffer_drop', { n: 3, nested: { ok: true } }],
          ['error', { n: 1, nested: { ok: true } }],
        ],
      );
      assert.equal(a[0]?.received_at, T0 + 4);
      assert.deepEqual(
        (await store.agentEvents.list()).map((e) => e.ts),
        [T0 + 3, T0 + 2, T0 + 1],
      );
      assert.equal((await store.agentEvents.list({ limit: 1 })).length, 1);
    });
  });

  it("reads a device's events newest first, of some types, a page after a given event", async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      await addAgent(store, 'agent-a', s.id);
      const sw = await store.devices.insert(deviceRecord(s.id, 'sw'), T0);
      const ups = await store.devices.insert(deviceRecord(s.id, 'ups'), T0);
      const ev = (device_id: number, ts: number, type: string) =>
        store.agentEvents.insert({
          agent_id: 'agent-a',
          site_id: s.id,
          ts,
          type,
          device_id,
          camera_id: null,
          data: { trap_oid: `1.3.6.1.4.1.9.0.${ts - T0}` },
          received_at: ts,
        });
      await ev(sw.id, T0 + 1, 'snmp_trap');
      await ev(sw.id, T0 + 2, 'device_state');
      await ev(sw.id, T0 + 3, 'snmp_trap');
      await ev(sw.id, T0 + 3, 'snmp_trap');
      await ev(ups.id, T0 + 4, 'snmp_trap');
      const all = await store.agentEvents.forDevice({ device_id: sw.id });
      assert.deepEqual(
        all.map((e) => [e.ts - T0, e.type]),
        [
          [3, 'snmp_trap'],
          [3, 'snmp_trap'],
          [2, 'device_state'],
          [1, 'snmp_trap'],
        ],
      );
      assert.ok(all[0]!.id > all[1]!.id, 'same time: newest id first');
      const traps = await store.agentEvents.forDevice({ device_id: sw.id, types: ['snmp_trap'], limit: 2 });
      assert.deepEqual(
        traps.map((e) => e.id),
        [all[0]!.id, all[1]!.id],
      );
      const next = await store.agentEvents.forDevice({
        device_id: sw.id,
        types: ['snmp_trap'],
        before_id: traps[1]!.id,
      });
      assert.deepEqual(
        next.map((e) => e.data),
        [{ trap_oid: '1.3.6.1.4.1.9.0.1' }],
      );
    });
  });
}
