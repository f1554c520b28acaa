import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isStoreError } from '../errors.js';
import type { UnitOfWork } from '../port.js';
import { addUser, type StoreFactory, T0, withStore } from './fixtures.js';

export function unitOfWorkContract(factory: StoreFactory): void {
  it('commits everything done through the unit when its callback resolves', async () => {
    await withStore(factory, async (store) => {
      const result = await store.unit(async (tx) => {
        const u = await addUser(tx, 'ana');
        await tx.sessions.insert({
          user_id: u.id,
          family: 'f1',
          token_hash: 'h1',
          issued_at: T0,
          expires_at: T0 + 1000,
        });
        return u.id;
      });
      assert.equal((await store.users.get(result))?.username, 'ana');
      assert.equal((await store.sessions.find('h1'))?.user_id, result);
    });
  });

  it('rolls back everything when the callback rejects, and rethrows the same error', async () => {
    await withStore(factory, async (store) => {
      const boom = new Error('boom');
      await assert.rejects(
        store.unit(async (tx) => {
          const u = await addUser(tx, 'ana');
          await tx.sessions.insert({
            user_id: u.id,
            family: 'f1',
            token_hash: 'h1',
            issued_at: T0,
            expires_at: T0 + 1000,
          });
          throw boom;
        }),
        (err) => err === boom,
      );
      assert.equal(await store.users.count(), 0);
      assert.equal(await store.sessions.find('h1'), undefined);
    });
  });

  it('rolls back when a statement inside fails, and the store stays usable', async () => {
    await withStore(factory, async (store) => {
      await addUser(store, 'ana');
      await assert.rejects(
        store.unit(async (tx) => {
          await addUser(tx, 'bo');
          await addUser(tx, 'ANA'); // usernames are unique without regard to case
        }),
        (err) => isStoreError(err, 'conflict'),
      );
      assert.deepEqual(
        (await store.users.list()).map((u) => u.username),
        ['ana'],
      );
      await addUser(store, 'cy');
      assert.equal(await store.users.count(), 2);
    });
  });

  it('undoes only a failed savepoint; the unit commits the rest', async () => {
    await withStore(factory, async (store) => {
      await store.unit(async (tx) => {
        await addUser(tx, 'kept-1');
        await assert.rejects(
          tx.savepoint(async (sp) => {
            await addUser(sp, 'undone');
            throw new Error('this part fails');
          }),
          /this part fails/,
        );
        const inner = await tx.savepoint(async (sp) => {
          await addUser(sp, 'kept-2');
          await assert.rejects(
            sp.savepoint(async (sp2) => {
              await addUser(sp2, 'undone-nested');
              throw new Error('nested');
            }),
          );
          return 'inner done';
        });
        assert.equal(inner, 'inner done');
      });
      assert.deepEqual(
        (await store.users.list()).map((u) => u.username),
        ['kept-1', 'kept-2'],
      );
    });
  });

  it('refuses the repositories of a unit once it has ended', async () => {
    await withStore(factory, async (store) => {
      let leaked: UnitOfWork | undefined;
      await store.unit(async (tx) => {
        leaked = tx;
      });
      await assert.rejects((leaked as UnitOfWork).users.count(), (err) => isStoreError(err, 'unit_closed'));
    });
  });

  it('never rolls back work done through the store while a unit is open', async () => {
    await withStore(factory, async (store) => {
      let outside: Promise<unknown> | undefined;
      await assert.rejects(
        store.unit(async (tx) => {
          await addUser(tx, 'inside');
          outside = addUser(store, 'outside');
          throw new Error('undo the unit');
        }),
      );
      await outside;
      assert.deepEqual(
        (await store.users.list()).map((u) => u.username),
        ['outside'],
      );
    });
  });

  it('lets one of two racing units take a unique key; the other rejects with conflict and changes nothing', async () => {
    await withStore(factory, async (store) => {
      const race = (tag: string) =>
        store.unit(async (tx) => {
          await addUser(tx, `side-${tag}`);
          await addUser(tx, 'first-admin', 'admin');
          return tag;
        });
      const results = await Promise.allSettled([race('a'), race('b')]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      assert.equal(won.length, 1);
      assert.equal(lost.length, 1);
      assert.ok(isStoreError((lost[0] as PromiseRejectedResult).reason, 'conflict'));
      const names = (await store.users.list()).map((u) => u.username).sort();
      const winner = (won[0] as PromiseFulfilledResult<string>).value;
      assert.deepEqual(names, ['first-admin', `side-${winner}`]);
    });
  });

  it('keeps committed data when the store is opened again', async (t) => {
    if (!factory.reopen) return t.skip('the engine is not durable');
    const store = await factory.create();
    await store.unit(async (tx) => {
      await addUser(tx, 'durable');
    });
    const again = await factory.reopen(store);
    try {
      assert.equal((await again.users.byName('durable'))?.username, 'durable');
    } finally {
      await again.close();
    }
  });

  it('answers ping while open and refuses calls once closed', async () => {
    const store = await factory.create();
    await store.ping();
    await store.close();
    await assert.rejects(store.users.count());
  });
}
