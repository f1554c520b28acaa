import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isStoreError } from '../errors.js';
import { addSite, addUser, deviceRecord, newAlert, type StoreFactory, T0, withStore } from './fixtures.js';

export function alertsContract(factory: StoreFactory): void {
  it('keeps one open alert per rule and target; repeats, resolves and reopens it', async () => {
    await withStore(factory, async (store) => {
      const { alerts } = store;
      const a = await alerts.insert(newAlert({ key: 'device:1', transitions: [T0] }));
      assert.equal(a.state, 'open');
      assert.equal(a.count, 1);
      assert.equal(a.acknowledged, 0);
      assert.equal(a.acknowledged_by_username, null);
      assert.deepEqual(JSON.parse(a.transitions), [T0]);
      await assert.rejects(alerts.insert(newAlert({ key: 'device:1' })), (err) =>
        isStoreError(err, 'conflict'),
      );
      assert.equal((await alerts.findOpen('device-unreachable', 'device:1'))?.id, a.id);
      assert.equal(await alerts.findOpen('device-unreachable', 'device:2'), undefined);
      const r = await alerts.repeat(a.id, T0 + 50, 'still down', 'critical');
      assert.equal(r.count, 2);
      assert.equal(r.last_seen, T0 + 50);
      assert.equal(r.severity, 'critical');
      assert.equal(r.message, 'still down');
      assert.equal((await alerts.repeat(a.id, T0 + 10, null, 'critical')).message, 'still down', 'kept');
      const done = await alerts.resolve(a.id, T0 + 100, [T0, T0 + 100], false, false);
      assert.equal(done.state, 'resolved');
      assert.equal(done.resolved_at, T0 + 100);
      assert.equal(done.recovery_handled_at, null);
      assert.equal(await alerts.findOpen('device-unreachable', 'device:1'), undefined);
      assert.equal((await alerts.findResolvedSince('device-unreachable', 'device:1', T0 + 100))?.id, a.id);
      assert.equal(await alerts.findResolvedSince('device-unreachable', 'device:1', T0 + 101), undefined);
      const again = await alerts.reopen(
        a.id,
        {
          ts: T0 + 200,
          opened_at: T0 + 201,
          message: null,
          suppressed_by: 'agent a1 offline',
          maintenance_id: null,
        },
        [T0, T0 + 100, T0 + 200],
        true,
      );
      assert.equal(again.state, 'open');
      assert.equal(again.resolved_at, null);
      assert.equal(again.count, 4);
      assert.equal(again.suppressed, 1);
      assert.equal(again.flapping, 1);
      assert.equal(again.opened_at, T0 + 201);
      const quiet = await alerts.resolve(a.id, T0 + 300, [], false, true);
      assert.equal(quiet.recovery_handled_at, T0 + 300, 'a quiet resolve needs no recovery notice');
    });
  });

  it('lists what still needs notices, what flaps, open rule-made alerts; records notices sent', async () => {
    await withStore(factory, async (store) => {
      const { alerts } = store;
      const open = await alerts.insert(newAlert({ key: 'device:1' }));
      const handled = await alerts.insert(newAlert({ key: 'device:2' }));
      const recovering = await alerts.insert(newAlert({ key: 'device:3' }));
      await alerts.resolve(handled.id, T0 + 1, [], false, true);
      await alerts.resolve(recovering.id, T0 + 1, [], false, false);
      await alerts.setFlapping(open.id, [T0, T0 + 1], true);
      assert.deepEqual(
        (await alerts.notifiable()).map((a) => a.id),
        [open.id, recovering.id],
      );
      assert.deepEqual(
        (await alerts.flapping()).map((a) => a.id),
        [open.id],
      );
      assert.deepEqual(
        (await alerts.open()).map((a) => a.id),
        [open.id],
      );
      await alerts.markNotified(open.id, T0 + 5);
      await alerts.markNotified(open.id, T0 + 9);
      await alerts.markRecoveryHandled(recovering.id, T0 + 6);
      const o = await alerts.get(open.id);
      assert.equal(o?.notified_at, T0 + 5, 'the first notice is kept');
      assert.equal(o?.last_notified_at, T0 + 9);
      assert.equal((await alerts.setSuppressed(open.id, 'parent down')).suppressed_by, 'parent down');
      assert.equal((await alerts.setSuppressed(open.id, null)).suppressed, 0);
      assert.deepEqual(
        (await alerts.notifiable()).map((a) => a.id),
        [open.id],
      );
    });
  });

  it('raises manual alerts, filters and pages the list, acknowledges, summarises and deletes', async () => {
    await withStore(factory, async (store) => {
      const { alerts } = store;
      const ops = await addUser(store, 'ops', 'operator');
      const site = await addSite(store, 's');
      const dev = await store.devices.insert(deviceRecord(site.id, 'sw'), T0);
      const manual = await alerts.insertManual(
        {
          severity: 'medium',
          title: 'Door open',
          message: null,
          device_id: dev.id,
          camera_id: null,
          site_id: site.id,
          created_by: ops.id,
        },
        T0 + 10,
      );
      assert.equal(manual.rule, 'manual');
      assert.equal(manual.target_key, null);
      const crit = await alerts.insert(newAlert({ key: 'agent:a1', severity: 'critical', ts: T0 + 20 }));
      await alerts.insert(newAlert({ key: 'device:9', severity: 'low', ts: T0 + 30 }));
      const list = await alerts.list({}, 1, 10);
      assert.equal(list.total, 3);
      assert.deepEqual(
        list.rows.map((a) => a.created_at),
        [T0 + 30, T0 + 20, T0 + 10],
      );
      assert.deepEqual(
        (await alerts.list({ severity: ['critical', 'medium'] }, 1, 10)).rows.map((a) => a.id),
        [crit.id, manual.id],
      );
      assert.equal((await alerts.list({ device_id: dev.id }, 1, 10)).total, 1);
      assert.equal((await alerts.list({ rule: 'manual' }, 1, 10)).total, 1);
      assert.equal((await alerts.list({ from: T0 + 25 }, 1, 10)).total, 1);
      assert.equal((await alerts.list({ to: T0 + 15 }, 1, 10)).total, 1);
      assert.equal((await alerts.list({}, 2, 2)).rows.length, 1);
      const acked = await alerts.acknowledge(
        { severity: ['critical', 'medium'] },
        ops.id,
        'on it',
        T0 + 999,
        T0 + 40,
      );
      assert.deepEqual(acked.sort(), [manual.id, crit.id].sort());
      assert.deepEqual(
        await alerts.acknowledge({ ids: [crit.id] }, ops.id, null, null, T0 + 41),
        [],
        'already',
      );
      const c = await alerts.get(crit.id);
      assert.equal(c?.acknowledged, 1);
      assert.equal(c?.acknowledged_by_username, 'ops');
      assert.equal(c?.ack_note, 'on it');
      assert.equal(c?.ack_expires_at, T0 + 999);
      assert.equal((await alerts.list({ acknowledged: false }, 1, 10)).total, 1);
      assert.deepEqual(await alerts.summary(T0 + 15), {
        total: 3,
        unacknowledged: 1,
        critical: 1,
        high: 0,
        medium: 1,
        low: 1,
        info: 0,
        recent: 2,
      });
      assert.equal((await alerts.summary(0, site.id)).total, 1);
      assert.equal(await alerts.delete(manual.id), true);
      assert.equal(await alerts.delete(manual.id), false);
      assert.equal(await alerts.get(manual.id), undefined);
    });
  });

  it('sums up a day for the summary: open by severity, opened, resolved, the noisiest', async () => {
    await withStore(factory, async (store) => {
      const { alerts } = store;
      const a = await alerts.insert(newAlert({ key: 'device:1', severity: 'high', ts: T0 }));
      const b = await alerts.insert(newAlert({ key: 'device:2', severity: 'high', ts: T0 }));
      await alerts.insert(newAlert({ key: 'device:3', severity: 'info', ts: T0 - 100_000 }));
      await alerts.repeat(a.id, T0 + 5, null, 'high');
      await alerts.repeat(a.id, T0 + 6, null, 'high');
      await alerts.resolve(b.id, T0 + 7, [], false, false);
      const d = await alerts.digest(T0 - 1);
      assert.deepEqual(d.open_by_severity, { high: 1, info: 1 });
      assert.equal(d.unacknowledged, 2);
      assert.equal(d.opened, 2);
      assert.equal(d.resolved, 1);
      assert.deepEqual(
        d.noisiest.map((n) => [n.id, n.count]),
        [
          [a.id, 3],
          [b.id, 1],
        ],
      );
    });
  });
}
