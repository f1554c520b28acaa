import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type StoreFactory, T0, withStore } from './fixtures.js';

export function auditContract(factory: StoreFactory): void {
  it('records entries with details and lists them newest first with filters and pages', async () => {
    await withStore(factory, async (store) => {
      const rec = (
        ts: number,
        username: string | null,
        action: string,
        outcome: 'success' | 'failure' | 'denied',
      ) =>
        store.audit.record({
          ts,
          username,
          action,
          target_type: 'device',
          target_id: String(ts - T0),
          client_ip: '192.0.2.1',
          outcome,
          status: outcome === 'success' ? 200 : 403,
          details: outcome === 'success' ? { fields: ['name'] } : null,
        });
      await rec(T0 + 1, 'Ana', 'POST /api/v1/devices', 'success');
      await rec(T0 + 2, 'bo', 'DELETE /api/v1/devices/{id}', 'denied');
      await rec(T0 + 3, 'ana', 'PATCH /api/v1/devices/{id}', 'success');
      await rec(T0 + 4, null, 'POST /api/v1/auth/login', 'failure');
      const all = await store.audit.list({}, 1, 10);
      assert.equal(all.total, 4);
      assert.deepEqual(
        all.rows.map((r) => r.ts),
        [T0 + 4, T0 + 3, T0 + 2, T0 + 1],
      );
      assert.deepEqual(JSON.parse(all.rows[1]?.details ?? 'null'), { fields: ['name'] });
      const ana = await store.audit.list({ user: 'ANA' }, 1, 10);
      assert.deepEqual(
        ana.rows.map((r) => r.ts),
        [T0 + 3, T0 + 1],
        'the user filter ignores case',
      );
      assert.equal((await store.audit.list({ action: 'devices/{id}' }, 1, 10)).total, 2);
      assert.equal((await store.audit.list({ action: '%' }, 1, 10)).total, 0, 'a % is literal');
      assert.equal((await store.audit.list({ outcome: 'denied' }, 1, 10)).rows[0]?.username, 'bo');
      assert.equal((await store.audit.list({ target_id: '3' }, 1, 10)).rows[0]?.ts, T0 + 3);
      assert.equal((await store.audit.list({ from: T0 + 2, to: T0 + 3 }, 1, 10)).total, 2);
      const page = await store.audit.list({}, 2, 3);
      assert.deepEqual(
        page.rows.map((r) => r.ts),
        [T0 + 1],
      );
    });
  });

  it('keeps the site of each entry and lists by site in SQL, with totals and pages right', async () => {
    await withStore(factory, async (store) => {
      const a = await store.sites.insert({ name: 'audit-a' }, T0);
      const b = await store.sites.insert({ name: 'audit-b' }, T0);
      const gone = await store.sites.insert({ name: 'audit-gone' }, T0);
      const rec = (ts: number, site_id: number | null) =>
        store.audit.record({ ts, action: `PUT /x${ts - T0}`, outcome: 'success', site_id });
      await rec(T0 + 1, a.id);
      await rec(T0 + 2, b.id);
      await rec(T0 + 3, null);
      await rec(T0 + 4, a.id);
      await rec(T0 + 5, a.id);
      await rec(T0 + 6, gone.id);
      assert.ok(await store.sites.delete(gone.id));
      // A site deleted before its entry is written (DELETE /sites/{id}) is recorded as none.
      await rec(T0 + 7, gone.id);
      const all = await store.audit.list({}, 1, 10);
      assert.deepEqual(
        all.rows.map((r) => r.site_id),
        [null, null, a.id, a.id, null, b.id, a.id],
        'a deleted site leaves its entries with no site',
      );
      const mine = await store.audit.list({ site_id: [a.id] }, 1, 2);
      assert.equal(mine.total, 3);
      assert.deepEqual(
        mine.rows.map((r) => r.ts),
        [T0 + 5, T0 + 4],
      );
      assert.deepEqual(
        (await store.audit.list({ site_id: [a.id] }, 2, 2)).rows.map((r) => r.ts),
        [T0 + 1],
      );
      assert.equal((await store.audit.list({ site_id: [a.id, b.id] }, 1, 10)).total, 4);
      assert.equal((await store.audit.list({ site_id: b.id }, 1, 10)).rows[0]?.ts, T0 + 2);
      assert.equal((await store.audit.list({ site_id: [] }, 1, 10)).total, 0, 'no sites: nothing');
      assert.equal((await store.audit.list({ site_id: [a.id], action: 'x4' }, 1, 10)).total, 1);
    });
  });
}
