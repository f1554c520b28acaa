import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isStoreError } from '../errors.js';
import { addUser, type StoreFactory, T0, withStore } from './fixtures.js';

export function usersContract(factory: StoreFactory): void {
  it('inserts users and finds them by id and by name without regard to case', async () => {
    await withStore(factory, async (store) => {
      assert.equal(await store.users.count(), 0);
      const ana = await store.users.insert(
        { username: 'Ana', role: 'operator', password_hash: 'h', email: 'ana@example.test' },
        T0,
      );
      assert.deepEqual(ana, {
        id: ana.id,
        username: 'Ana',
        email: 'ana@example.test',
        role: 'operator',
        password_hash: 'h',
        disabled: 0,
        created_at: T0,
        updated_at: T0,
        last_login_at: null,
        password_changed_at: T0,
      });
      assert.deepEqual(await store.users.get(ana.id), ana);
      assert.deepEqual(await store.users.byName('ANA'), ana);
      assert.equal(await store.users.byName('nobody'), undefined);
      assert.equal(await store.users.get(ana.id + 1000), undefined);
      assert.equal(await store.users.count(), 1);
    });
  });

  it('refuses a second user with the same name (any case) with conflict', async () => {
    await withStore(factory, async (store) => {
      await addUser(store, 'bo');
      await assert.rejects(addUser(store, 'BO'), (err) => isStoreError(err, 'conflict'));
      assert.equal(await store.users.count(), 1);
    });
  });

  it('lists users by id and counts only admins that are not disabled', async () => {
    await withStore(factory, async (store) => {
      const a = await addUser(store, 'zed', 'admin');
      const b = await addUser(store, 'amy', 'admin');
      await addUser(store, 'max', 'viewer');
      assert.deepEqual(
        (await store.users.list()).map((u) => u.username),
        ['zed', 'amy', 'max'],
      );
      assert.equal(await store.users.countActiveAdmins(), 2);
      await store.users.update(b.id, { disabled: true }, T0 + 1);
      assert.equal(await store.users.countActiveAdmins(), 1);
      await store.users.update(a.id, { role: 'viewer' }, T0 + 2);
      assert.equal(await store.users.countActiveAdmins(), 0);
    });
  });

  it('updates only the fields given, and sets an email to null when asked', async () => {
    await withStore(factory, async (store) => {
      const u = await store.users.insert(
        { username: 'cy', role: 'viewer', password_hash: 'h', email: 'cy@example.test' },
        T0,
      );
      const role = await store.users.update(u.id, { role: 'operator' }, T0 + 5);
      assert.equal(role?.role, 'operator');
      assert.equal(role?.email, 'cy@example.test');
      assert.equal(role?.disabled, 0);
      assert.equal(role?.updated_at, T0 + 5);
      const off = await store.users.update(u.id, { disabled: true, email: null }, T0 + 6);
      assert.equal(off?.disabled, 1);
      assert.equal(off?.email, null);
      assert.equal(off?.role, 'operator');
      assert.equal((await store.users.update(u.id, { disabled: false }, T0 + 7))?.disabled, 0);
      assert.equal(await store.users.update(u.id + 1000, { role: 'admin' }, T0), undefined);
    });
  });

  it('records a password change and a login', async () => {
    await withStore(factory, async (store) => {
      const u = await addUser(store, 'dee');
      await store.users.setPasswordHash(u.id, 'new-hash', T0 + 10);
      await store.users.touchLogin(u.id, T0 + 20);
      const after = await store.users.get(u.id);
      assert.equal(after?.password_hash, 'new-hash');
      assert.equal(after?.password_changed_at, T0 + 10);
      assert.equal(after?.updated_at, T0 + 10);
      assert.equal(after?.last_login_at, T0 + 20);
    });
  });

  it('deletes a user with their refresh tokens, once', async () => {
    await withStore(factory, async (store) => {
      const u = await addUser(store, 'eve');
      await store.sessions.insert({
        user_id: u.id,
        family: 'f',
        token_hash: 'eve-token',
        issued_at: T0,
        expires_at: T0 + 1000,
      });
      assert.equal(await store.users.delete(u.id), true);
      assert.equal(await store.users.delete(u.id), false);
      assert.equal(await store.users.get(u.id), undefined);
      assert.equal(await store.sessions.find('eve-token'), undefined);
    });
  });
}
