import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { SiteTrapsRecord } from '../site-traps.js';
import { addSite, type StoreFactory, T0, withStore } from './fixtures.js';

const record: SiteTrapsRecord = {
  enabled: true,
  port: 1162,
  address: '0.0.0.0',
  rate_per_s: 5,
  burst: 50,
  max_per_s: 200,
  users_json: '[{"username":"ups","security_level":"authPriv"}]',
  secret: 'sealed-blob',
};

export function siteTrapsContract(factory: StoreFactory): void {
  it('creates, replaces and deletes the trap settings of a site', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      const other = await addSite(store, 'other');
      assert.equal(await store.siteTraps.get(s.id), undefined);
      assert.deepEqual(await store.siteTraps.put(s.id, record, T0), {
        ...record,
        site_id: s.id,
        updated_at: T0,
      });
      const off = await store.siteTraps.put(
        s.id,
        { ...record, enabled: false, port: 162, secret: null },
        T0 + 1,
      );
      assert.equal(off.enabled, false);
      assert.equal(off.port, 162);
      assert.equal(off.secret, null);
      assert.equal(await store.siteTraps.get(other.id), undefined);
      assert.equal(await store.siteTraps.delete(s.id), true);
      assert.equal(await store.siteTraps.delete(s.id), false);
      assert.equal(await store.siteTraps.get(s.id), undefined);
    });
  });
}
