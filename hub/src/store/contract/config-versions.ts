import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addSite, type StoreFactory, T0, withStore } from './fixtures.js';

export function configVersionsContract(factory: StoreFactory): void {
  it('gives version 1 to the first config of a site and a new version only when the content changes', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      const other = await addSite(store, 'o');
      assert.equal(await store.configVersions.current(s.id), undefined);
      assert.deepEqual(await store.configVersions.versionFor(s.id, 'h1', T0), {
        version: 1,
        issued_at: T0,
        changed: true,
      });
      assert.deepEqual(await store.configVersions.versionFor(s.id, 'h1', T0 + 5), {
        version: 1,
        issued_at: T0,
        changed: false,
      });
      assert.deepEqual(await store.configVersions.versionFor(s.id, 'h2', T0 + 9), {
        version: 2,
        issued_at: T0 + 9,
        changed: true,
      });
      assert.equal(await store.configVersions.current(s.id), 2);
      assert.equal((await store.configVersions.versionFor(other.id, 'h2', T0)).version, 1, 'per site');
    });
  });
}
