import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { HubStore } from '../port.js';
import { addUser, type StoreFactory, T0, withStore } from './fixtures.js';

async function token(store: HubStore, userId: number, family: string, hash: string, expiresAt = T0 + 60_000) {
  await store.sessions.insert({
    user_id: userId,
    family,
    token_hash: hash,
    issued_at: T0,
    expires_at: expiresAt,
  });
}

export function sessionsContract(factory: StoreFactory): void {
  it('stores a refresh token and finds it by hash', async () => {
    await withStore(factory, async (store) => {
      const u = await addUser(store, 'ana');
      await token(store, u.id, 'fam', 'hash-1');
      const row = await store.sessions.find('hash-1');
      assert.deepEqual(row, {
        id: row?.id,
        user_id: u.id,
        family: 'fam',
        token_hash: 'hash-1',
        issued_at: T0,
        expires_at: T0 + 60_000,
        used_at: null,
        revoked_at: null,
      });
      assert.equal(await store.sessions.find('hash-2'), undefined);
    });
  });

  it('marks a token used once: a second use (a replay or a race) is refused', async () => {
    await withStore(factory, async (store) => {
      const u = await addUser(store, 'ana');
      await token(store, u.id, 'fam', 'h');
      const row = await store.sessions.find('h');
      const [first, second] = await Promise.all([
        store.sessions.markUsed(row!.id, T0 + 1),
        store.sessions.markUsed(row!.id, T0 + 2),
      ]);
      assert.deepEqual([first, second].sort(), [false, true]);
      assert.ok((await store.sessions.find('h'))?.used_at);
    });
  });

  it('revokes a family, and a user, counting only tokens still live', async () => {
    await withStore(factory, async (store) => {
      const ana = await addUser(store, 'ana');
      const bo = await addUser(store, 'bo');
      await token(store, ana.id, 'f1', 'a1');
      await token(store, ana.id, 'f1', 'a2');
      await token(store, ana.id, 'f2', 'a3');
      await token(store, bo.id, 'f3', 'b1');
      assert.equal(await store.sessions.revokeFamily('f1', T0 + 5), 2);
      assert.equal(await store.sessions.revokeFamily('f1', T0 + 6), 0);
      assert.equal((await store.sessions.find('a1'))?.revoked_at, T0 + 5);
      assert.equal((await store.sessions.find('a3'))?.revoked_at, null);
      const used = await store.sessions.find('a3');
      assert.equal(await store.sessions.revokeUser(ana.id, T0 + 7), 1);
      assert.equal(await store.sessions.markUsed(used!.id, T0 + 8), false, 'a revoked token cannot be used');
      assert.equal((await store.sessions.find('b1'))?.revoked_at, null);
    });
  });

  it('prunes tokens that expired before the cut-off', async () => {
    await withStore(factory, async (store) => {
      const u = await addUser(store, 'ana');
      await token(store, u.id, 'f', 'old', T0 - 10);
      await token(store, u.id, 'f', 'edge', T0);
      await token(store, u.id, 'f', 'live', T0 + 10);
      assert.equal(await store.sessions.prune(T0), 1);
      assert.equal(await store.sessions.find('old'), undefined);
      assert.ok(await store.sessions.find('edge'));
      assert.ok(await store.sessions.find('live'));
    });
  });
}
