import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addAgent, addSite, addUser, type StoreFactory, T0, withStore } from './fixtures.js';

export function retentionContract(factory: StoreFactory): void {
  it('prunes audit entries and agent events before the cutoff, at most the limit per call', async () => {
    await withStore(factory, async (store) => {
      const site = await addSite(store, 'shop');
      await addAgent(store, 'ag-1', site.id);
      for (let i = 0; i < 5; i++) {
        await store.audit.record({ ts: T0 + i * 1000, action: `GET /x${i}`, outcome: 'success' });
        await store.agentEvents.insert({
          agent_id: 'ag-1',
          site_id: site.id,
          ts: T0 + i * 1000,
          type: 'error',
          device_id: null,
          camera_id: null,
          data: { i },
          received_at: T0 + i * 1000,
        });
      }
      // Three are before the cutoff; two calls of two take them, the third finds nothing more.
      const cutoff = T0 + 3000;
      assert.equal(await store.retention.prune('audit', cutoff, 2), 2);
      assert.equal(await store.retention.prune('audit', cutoff, 2), 1);
      assert.equal(await store.retention.prune('audit', cutoff, 2), 0);
      const left = (await store.audit.list({}, 1, 100)).rows.map((r) => r.ts).sort();
      assert.deepEqual(left, [T0 + 3000, T0 + 4000]);
      assert.equal(await store.retention.prune('agent_events', cutoff, 100), 3);
      const events = await store.agentEvents.list({ agent_id: 'ag-1' });
      assert.deepEqual(events.map((e) => e.ts).sort(), [T0 + 3000, T0 + 4000]);
    });
  });

  it('prunes API keys revoked or expired before the cutoff and keeps live ones', async () => {
    await withStore(factory, async (store) => {
      const ana = await addUser(store, 'ana');
      const base = { user_id: ana.id, role: 'viewer' as const, site_id: null, created_at: T0 };
      const old = await store.apiKeys.insert({
        ...base,
        name: 'a',
        prefix: 'opk_a',
        key_hash: 'a',
        expires_at: null,
      });
      await store.apiKeys.revoke(old.id, T0 + 10);
      await store.apiKeys.insert({ ...base, name: 'b', prefix: 'opk_b', key_hash: 'b', expires_at: T0 + 20 });
      await store.apiKeys.insert({
        ...base,
        name: 'c',
        prefix: 'opk_c',
        key_hash: 'c',
        expires_at: T0 + 5000,
      });
      await store.apiKeys.insert({ ...base, name: 'd', prefix: 'opk_d', key_hash: 'd', expires_at: null });
      assert.equal(await store.retention.prune('api_keys', T0 + 100, 100), 2);
      assert.deepEqual((await store.apiKeys.list()).map((k) => k.name).sort(), ['c', 'd']);
    });
  });

  it('runs every rule on an empty store without error', async () => {
    await withStore(factory, async (store) => {
      for (const rule of [
        'audit',
        'agent_events',
        'jobs',
        'alerts',
        'notifications',
        'ledger',
        'gaps',
        'api_keys',
      ] as const)
        assert.equal(await store.retention.prune(rule, T0, 10), 0, rule);
    });
  });
}
