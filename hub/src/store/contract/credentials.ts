import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isStoreError } from '../errors.js';
import { type StoreFactory, T0, withStore } from './fixtures.js';

const snmp = (community: string) => ({
  kind: 'snmp' as const,
  settings: '{"version":"2c"}',
  secret: `enc(${community})`,
});

export function credentialsContract(factory: StoreFactory): void {
  it('keeps global credential sets with their entries in order, SNMP then camera', async () => {
    await withStore(factory, async (store) => {
      const set = await store.credentials.insertSet({ site_id: null, name: 'defaults' }, T0);
      assert.equal(set.site_id, null);
      const rows = await store.credentials.replaceEntries(
        set.id,
        [snmp('a'), { kind: 'camera', settings: '{"username":"admin"}', secret: 'enc(pw)' }, snmp('b')],
        T0 + 1,
      );
      assert.deepEqual(
        rows.map((r) => [r.kind, r.position, r.secret]),
        [
          ['snmp', 0, 'enc(a)'],
          ['snmp', 1, 'enc(b)'],
          ['camera', 0, 'enc(pw)'],
        ],
      );
      assert.deepEqual(await store.credentials.entries([set.id]), rows);
      assert.deepEqual(
        (await store.credentials.listSets(null)).map((s) => s.name),
        ['defaults'],
      );
      assert.equal((await store.credentials.getSet(set.id))?.updated_at, T0 + 1);
    });
  });

  it('keeps the id of an entry written back with it, adds new ones and removes the rest', async () => {
    await withStore(factory, async (store) => {
      const set = await store.credentials.insertSet({ site_id: null, name: 'x' }, T0);
      const [a, b] = await store.credentials.replaceEntries(set.id, [snmp('a'), snmp('b')], T0);
      const next = await store.credentials.replaceEntries(
        set.id,
        [snmp('c'), { ...snmp('b2'), id: b!.id }],
        T0,
      );
      assert.equal(next.length, 2);
      assert.equal(next[1]?.id, b!.id, 'b kept its id, now second');
      assert.equal(next[1]?.secret, 'enc(b2)');
      assert.notEqual(next[0]?.id, a!.id);
      assert.equal(await store.credentials.entry(a!.id), undefined);
    });
  });

  it('refuses an entry id of another set and changes nothing', async () => {
    await withStore(factory, async (store) => {
      const one = await store.credentials.insertSet({ site_id: null, name: 'one' }, T0);
      const two = await store.credentials.insertSet({ site_id: null, name: 'two' }, T0);
      const [e] = await store.credentials.replaceEntries(one.id, [snmp('a')], T0);
      await assert.rejects(
        store.unit((tx) => tx.credentials.replaceEntries(two.id, [{ ...snmp('x'), id: e!.id }], T0)),
        (err) => isStoreError(err, 'reference'),
      );
      assert.equal((await store.credentials.entries([two.id])).length, 0);
      assert.equal((await store.credentials.entry(e!.id))?.set_id, one.id);
    });
  });

  it('refuses a second global set of the same name (any case), and deletes a set with its entries', async () => {
    await withStore(factory, async (store) => {
      const set = await store.credentials.insertSet({ site_id: null, name: 'Office' }, T0);
      await assert.rejects(store.credentials.insertSet({ site_id: null, name: 'office' }, T0), (err) =>
        isStoreError(err, 'conflict'),
      );
      const [e] = await store.credentials.replaceEntries(set.id, [snmp('a')], T0);
      assert.equal(await store.credentials.deleteSet(set.id), true);
      assert.equal(await store.credentials.entry(e!.id), undefined);
      assert.equal(await store.credentials.deleteSet(set.id), false);
    });
  });
}
