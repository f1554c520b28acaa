import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { CheckRecord } from '../checks.js';
import { isStoreError } from '../errors.js';
import type { Repositories } from '../port.js';
import { addSite, deviceRecord, type StoreFactory, T0, withStore } from './fixtures.js';

const check = (device_id: number, name: string, over: Partial<CheckRecord> = {}): CheckRecord => ({
  device_id,
  name,
  kind: 'tcp',
  interval_s: 60,
  timeout_ms: 5000,
  params: '{"host":"192.0.2.1","port":443}',
  enabled: true,
  ...over,
});

async function twoSites(store: Repositories) {
  const a = await addSite(store, 'a');
  const b = await addSite(store, 'b');
  const da = await store.devices.insert(deviceRecord(a.id, 'isp-router'), T0);
  const db = await store.devices.insert(deviceRecord(b.id, 'nvr'), T0);
  return { a: a.id, b: b.id, da: da.id, db: db.id };
}

export function checksContract(factory: StoreFactory): void {
  it('stores a check with unknown state and its device site, updates only the fields given', async () => {
    await withStore(factory, async (store) => {
      const { a, da } = await twoSites(store);
      const c = await store.checks.insert(check(da, 'https'), T0);
      assert.equal(c.site_id, a);
      assert.equal(c.status, 'unknown');
      assert.equal(c.enabled, true);
      assert.equal(c.status_changed_at, null);
      assert.deepEqual(await store.checks.get(c.id), c);
      const u = await store.checks.update(c.id, { enabled: false, interval_s: 30 }, T0 + 1);
      assert.equal(u?.enabled, false);
      assert.equal(u?.interval_s, 30);
      assert.equal(u?.name, 'https');
      assert.equal(u?.updated_at, T0 + 1);
      assert.equal(await store.checks.update(c.id + 100, { name: 'x' }, T0), undefined);
    });
  });

  it('refuses a second check of the same name on a device with conflict, and one on no device with reference', async () => {
    await withStore(factory, async (store) => {
      const { da, db } = await twoSites(store);
      await store.checks.insert(check(da, 'ping'), T0);
      await store.checks.insert(check(db, 'ping'), T0);
      await assert.rejects(store.checks.insert(check(da, 'ping'), T0), (e) => isStoreError(e, 'conflict'));
      await assert.rejects(store.checks.insert(check(9999, 'ping'), T0), (e) => isStoreError(e, 'reference'));
    });
  });

  it('lists by device, site, status and kind, and a site config sees only its own devices', async () => {
    await withStore(factory, async (store) => {
      const { a, b, da, db } = await twoSites(store);
      const c1 = await store.checks.insert(check(da, 'web', { kind: 'http' }), T0);
      const c2 = await store.checks.insert(check(da, 'ping', { kind: 'icmp' }), T0);
      const c3 = await store.checks.insert(check(db, 'web', { kind: 'http' }), T0);
      const names = (rows: { id: number }[]) => rows.map((r) => r.id);
      assert.deepEqual(names(await store.checks.list({ device_id: da })), [c2.id, c1.id], 'by name');
      assert.deepEqual(names(await store.checks.list({ site_id: b })), [c3.id]);
      assert.deepEqual(names(await store.checks.list({ kind: 'http' })), [c1.id, c3.id]);
      assert.deepEqual(names(await store.checks.forSite(a)), [c1.id, c2.id], 'by id');
      await store.checks.recordRun({
        id: c2.id,
        device_id: da,
        status: 'down',
        error: 'x',
        ts: T0,
        response_ms: null,
        facts: null,
      });
      assert.deepEqual(names(await store.checks.list({ status: 'down' })), [c2.id]);
      assert.deepEqual(await store.checks.statusCounts(a), { down: 1, unknown: 1 });
      assert.deepEqual(await store.checks.statusCounts(), { down: 1, unknown: 2 });
    });
  });

  it('records runs: the change time moves only on a change, and an older run changes nothing', async () => {
    await withStore(factory, async (store) => {
      const { da } = await twoSites(store);
      const c = await store.checks.insert(check(da, 'web', { kind: 'http' }), T0);
      const run = (ts: number, status: 'up' | 'down', error: string | null = null) =>
        store.checks.recordRun({
          id: c.id,
          device_id: da,
          status,
          error,
          ts,
          response_ms: 12.5,
          facts: '{"status_code":200}',
        });
      assert.deepEqual(await run(T0 + 10, 'up'), {
        device_id: da,
        name: 'web',
        kind: 'http',
        previous: 'unknown',
        applied: true,
      });
      assert.equal((await run(T0 + 20, 'up'))?.previous, 'up');
      let row = await store.checks.get(c.id);
      assert.equal(row?.status_changed_at, T0 + 10);
      assert.equal(row?.last_run_at, T0 + 20);
      assert.equal(row?.response_ms, 12.5);
      assert.equal(row?.facts, '{"status_code":200}');
      assert.equal((await run(T0 + 30, 'down', 'status 503 not in 200-399'))?.previous, 'up');
      const late = await run(T0 + 25, 'up');
      assert.equal(late?.applied, false);
      row = await store.checks.get(c.id);
      assert.equal(row?.status, 'down');
      assert.equal(row?.status_error, 'status 503 not in 200-399');
      assert.equal(row?.status_changed_at, T0 + 30);
      assert.equal(row?.last_run_at, T0 + 30);
      const elsewhere = await store.checks.recordRun({
        id: c.id,
        device_id: da + 1,
        status: 'up',
        error: null,
        ts: T0 + 40,
        response_ms: null,
        facts: null,
      });
      assert.equal(elsewhere?.applied, false, 'a run reported for another device');
      assert.equal((await store.checks.get(c.id))?.status, 'down');
      assert.equal(
        await store.checks.recordRun({
          id: c.id + 100,
          device_id: da,
          status: 'up',
          error: null,
          ts: T0,
          response_ms: null,
          facts: null,
        }),
        undefined,
      );
    });
  });

  it('deletes a check, and every check of a deleted device', async () => {
    await withStore(factory, async (store) => {
      const { da, db } = await twoSites(store);
      const c1 = await store.checks.insert(check(da, 'web'), T0);
      await store.checks.insert(check(db, 'web'), T0);
      assert.equal(await store.checks.delete(c1.id), true);
      assert.equal(await store.checks.delete(c1.id), false);
      await store.devices.delete(db);
      assert.deepEqual(await store.checks.list(), []);
    });
  });
}
