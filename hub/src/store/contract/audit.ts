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
}
