import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addAgent, addSite, type StoreFactory, T0, withStore } from './fixtures.js';

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
}
