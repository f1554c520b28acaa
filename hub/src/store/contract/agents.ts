import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isStoreError } from '../errors.js';
import { addAgent, addSite, type StoreFactory, T0, withStore } from './fixtures.js';

export function agentsContract(factory: StoreFactory): void {
  it('creates an agent offline with zero counters; its secret hash is only in withSecret', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      const a = await addAgent(store, 'agent-a', s.id);
      assert.deepEqual(a, {
        id: 'agent-a',
        site_id: s.id,
        hostname: 'agent-a-host',
        version: '1.0',
        status: 'offline',
        status_reason: null,
        last_seen: null,
        started_at: null,
        config_version_applied: null,
        backlog: 0,
        dropped: 0,
        invalid_payloads: 0,
        refused_items: 0,
        revoked_at: null,
        created_at: T0,
      });
      assert.ok(!('secret_hash' in a));
      assert.equal((await store.agents.withSecret('agent-a'))?.secret_hash, 'ab'.repeat(32));
      assert.equal(await store.agents.withSecret('agent-x'), undefined);
      await assert.rejects(addAgent(store, 'agent-a', s.id), (err) => isStoreError(err, 'conflict'));
      await assert.rejects(addAgent(store, 'agent-b', 999), (err) => isStoreError(err, 'reference'));
    });
  });

  it('applies status reports: given fields replace, absent ones are kept; counters add up', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      await addAgent(store, 'agent-a', s.id);
      await store.agents.updateStatus('agent-a', {
        status: 'online',
        version: '2.0',
        started_at: T0 + 1,
        config_version_applied: 3,
        backlog: 10,
        dropped: 2,
        last_seen: T0 + 2,
      });
      await store.agents.updateStatus('agent-a', { status: 'offline', reason: 'will', last_seen: T0 + 3 });
      await store.agents.touch('agent-a', T0 + 4);
      await store.agents.addInvalidPayloads('agent-a', 2);
      await store.agents.addInvalidPayloads('agent-a', 1);
      await store.agents.addRefusedItems('agent-a', 5);
      await store.agents.addRefusedItems('agent-a', 0);
      const a = await store.agents.get('agent-a');
      assert.equal(a?.status, 'offline');
      assert.equal(a?.status_reason, 'will');
      assert.equal(a?.version, '2.0');
      assert.equal(a?.started_at, T0 + 1);
      assert.equal(a?.config_version_applied, 3);
      assert.equal(a?.backlog, 10);
      assert.equal(a?.dropped, 2);
      assert.equal(a?.last_seen, T0 + 4);
      assert.equal(a?.invalid_payloads, 3);
      assert.equal(a?.refused_items, 5);
    });
  });

  it('lists by site and status, revokes once, and names the sites that still have agents', async () => {
    await withStore(factory, async (store) => {
      const a = await addSite(store, 'a');
      const b = await addSite(store, 'b');
      const c = await addSite(store, 'c');
      await addAgent(store, 'agent-2', a.id);
      await addAgent(store, 'agent-1', a.id);
      await addAgent(store, 'agent-3', b.id);
      await addAgent(store, 'agent-4', c.id);
      await store.agents.updateStatus('agent-1', { status: 'online', last_seen: T0 });
      assert.deepEqual(
        (await store.agents.list()).map((x) => x.id),
        ['agent-1', 'agent-2', 'agent-3', 'agent-4'],
      );
      assert.deepEqual(
        (await store.agents.list({ site_id: a.id })).map((x) => x.id),
        ['agent-1', 'agent-2'],
      );
      assert.deepEqual(
        (await store.agents.list({ status: 'online' })).map((x) => x.id),
        ['agent-1'],
      );
      assert.equal(await store.agents.revoke('agent-1', T0 + 9), true);
      assert.equal(await store.agents.revoke('agent-1', T0 + 10), false);
      assert.equal(await store.agents.revoke('agent-x', T0), false);
      const r = await store.agents.get('agent-1');
      assert.equal(r?.revoked_at, T0 + 9);
      assert.equal(r?.status, 'offline');
      assert.equal(r?.status_reason, 'revoked');
      await store.agents.revoke('agent-4', T0);
      assert.deepEqual(await store.agents.activeSites(), [a.id, b.id]);
    });
  });
}
