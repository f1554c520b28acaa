import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NewApiKey } from '../api-keys.js';
import { isStoreError } from '../errors.js';
import { addSite, addUser, type StoreFactory, T0, withStore } from './fixtures.js';

function key(userId: number, hash: string, over: Partial<NewApiKey> = {}): NewApiKey {
  return {
    user_id: userId,
    name: `key ${hash}`,
    role: 'viewer',
    site_id: null,
    prefix: `opk_${hash}`,
    key_hash: hash,
    created_at: T0,
    expires_at: null,
    ...over,
  };
}

export function apiKeysContract(factory: StoreFactory): void {
  it('stores a key by its hash, finds it by hash and by id, lists one user or everyone newest first', async () => {
    await withStore(factory, async (store) => {
      const ana = await addUser(store, 'ana', 'operator');
      const bo = await addUser(store, 'bo');
      const site = await addSite(store, 'shop');
      const a = await store.apiKeys.insert(
        key(ana.id, 'h1', { role: 'operator', site_id: site.id, expires_at: T0 + 5 }),
      );
      const b = await store.apiKeys.insert(key(bo.id, 'h2'));
      assert.deepEqual(a, {
        id: a.id,
        user_id: ana.id,
        name: 'key h1',
        role: 'operator',
        site_id: site.id,
        prefix: 'opk_h1',
        key_hash: 'h1',
        created_at: T0,
        expires_at: T0 + 5,
        last_used_at: null,
        revoked_at: null,
      });
      assert.deepEqual(await store.apiKeys.byHash('h1'), a);
      assert.deepEqual(await store.apiKeys.get(b.id), b);
      assert.equal(await store.apiKeys.byHash('nope'), undefined);
      assert.deepEqual(
        (await store.apiKeys.list()).map((k) => k.id),
        [b.id, a.id],
      );
      assert.deepEqual(
        (await store.apiKeys.list({ user_id: ana.id })).map((k) => k.id),
        [a.id],
      );
    });
  });

  it('refuses a second key of the same hash, an unknown user or site', async () => {
    await withStore(factory, async (store) => {
      const ana = await addUser(store, 'ana');
      await store.apiKeys.insert(key(ana.id, 'h1'));
      await assert.rejects(store.apiKeys.insert(key(ana.id, 'h1')), (e) => isStoreError(e, 'conflict'));
      await assert.rejects(store.apiKeys.insert(key(ana.id + 99, 'h2')), (e) => isStoreError(e, 'reference'));
      await assert.rejects(store.apiKeys.insert(key(ana.id, 'h3', { site_id: 9999 })), (e) =>
        isStoreError(e, 'reference'),
      );
    });
  });

  it('records the last use at most once per granularity, revokes once, and goes with its user', async () => {
    await withStore(factory, async (store) => {
      const ana = await addUser(store, 'ana');
      const k = await store.apiKeys.insert(key(ana.id, 'h1'));
      await store.apiKeys.touch(k.id, T0 + 1000, 60_000);
      await store.apiKeys.touch(k.id, T0 + 2000, 60_000);
      assert.equal((await store.apiKeys.get(k.id))?.last_used_at, T0 + 1000);
      await store.apiKeys.touch(k.id, T0 + 61_000, 60_000);
      assert.equal((await store.apiKeys.get(k.id))?.last_used_at, T0 + 61_000);
      assert.equal(await store.apiKeys.revoke(k.id, T0 + 70_000), true);
      assert.equal(await store.apiKeys.revoke(k.id, T0 + 80_000), false);
      assert.equal((await store.apiKeys.get(k.id))?.revoked_at, T0 + 70_000);
      await store.users.delete(ana.id);
      assert.equal(await store.apiKeys.get(k.id), undefined);
    });
  });

  it('prunes keys revoked or expired before a time, and keeps live ones', async () => {
    await withStore(factory, async (store) => {
      const ana = await addUser(store, 'ana');
      const revoked = await store.apiKeys.insert(key(ana.id, 'h1'));
      await store.apiKeys.revoke(revoked.id, T0 + 10);
      await store.apiKeys.insert(key(ana.id, 'h2', { expires_at: T0 + 20 }));
      const live = await store.apiKeys.insert(key(ana.id, 'h3', { expires_at: T0 + 1_000 }));
      const forever = await store.apiKeys.insert(key(ana.id, 'h4'));
      assert.equal(await store.apiKeys.prune(T0 + 100), 2);
      assert.deepEqual(
        (await store.apiKeys.list()).map((k) => k.id),
        [forever.id, live.id],
      );
    });
  });
}
