import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { HubStore } from '../port.js';
import { newAlert, type StoreFactory, T0, withStore } from './fixtures.js';

async function channel(store: HubStore, name: string) {
  return store.channels.save(
    null,
    {
      name,
      type: 'webhook',
      enabled: true,
      min_severity: 'info',
      daily_summary: false,
      config: {},
      secret: null,
      routes: [],
    },
    T0,
  );
}

export function notificationsContract(factory: StoreFactory): void {
  it('queues messages, hands out the due ones in order without letting a notice overtake its alert', async () => {
    await withStore(factory, async (store) => {
      const n = store.notifications;
      const ch = await channel(store, 'a');
      const ch2 = await channel(store, 'b');
      const alert = await store.alerts.insert(newAlert({ key: 'device:1' }));
      const problem = await n.enqueue(ch, alert.id, 'problem', { title: 'down' }, T0);
      const recovery = await n.enqueue(ch, alert.id, 'recovery', { title: 'up' }, T0 + 1);
      const other = await n.enqueue(ch2, alert.id, 'problem', { title: 'down' }, T0 + 2);
      const summary = await n.enqueue(ch, null, 'summary', { title: 'daily' }, T0 + 3);
      assert.deepEqual(
        (await n.due(T0 + 10, 10)).map((r) => r.id),
        [problem, other, summary],
        'the recovery waits behind its problem notice',
      );
      assert.deepEqual(JSON.parse((await n.get(problem))?.payload ?? 'null'), { title: 'down' });
      assert.deepEqual(await n.pending(), { count: 4, oldest: T0 });
      assert.equal(await n.nextDueAt(), T0);
      await n.recordAttempt(
        problem,
        { ts: T0 + 20, ok: true, statusCode: 200, durationMs: 12 },
        { status: 'delivered' },
      );
      await n.recordAttempt(
        other,
        { ts: T0 + 21, ok: false, statusCode: 503, error: 'HTTP 503', durationMs: 30 },
        { status: 'pending', nextAttemptAt: T0 + 5000 },
      );
      const delivered = await n.get(problem);
      assert.equal(delivered?.status, 'delivered');
      assert.equal(delivered?.delivered_at, T0 + 20);
      assert.equal(delivered?.attempts, 1);
      const retried = await n.get(other);
      assert.equal(retried?.status, 'pending');
      assert.equal(retried?.last_error, 'HTTP 503');
      assert.equal(retried?.next_attempt_at, T0 + 5000);
      assert.deepEqual(
        (await n.due(T0 + 30, 10)).map((r) => r.id),
        [recovery, summary],
      );
      assert.deepEqual(
        (await n.attempts(other)).map((a) => [a.ok, a.status_code, a.error]),
        [[0, 503, 'HTTP 503']],
      );
      assert.equal(await n.failPending(ch, 'channel disabled', T0 + 40), 2);
      assert.equal((await n.get(summary))?.status, 'failed');
      assert.equal((await n.get(summary))?.last_error, 'channel disabled');
      assert.deepEqual(
        (await n.list({ kind: 'problem' })).map((r) => r.id),
        [problem, other],
      );
      assert.deepEqual(
        (await n.list({ alert_id: alert.id, limit: 2 })).map((r) => r.id),
        [problem, recovery],
      );
    });
  });

  it("gives the planner an alert's notice history and the API its delivery log", async () => {
    await withStore(factory, async (store) => {
      const n = store.notifications;
      const ch = await channel(store, 'ops');
      const a = await store.alerts.insert(newAlert({ key: 'device:1' }));
      const b = await store.alerts.insert(newAlert({ key: 'device:2' }));
      await n.enqueue(ch, a.id, 'problem', {}, T0);
      await n.enqueue(ch, a.id, 'repeat', {}, T0 + 600);
      await n.enqueue(ch, b.id, 'flapping', {}, T0 + 700);
      await n.enqueue(ch, null, 'test', {}, T0 + 800);
      assert.deepEqual(
        (await n.history([a.id, b.id])).map((h) => [h.alert_id, h.channel_id, h.kind, h.created_at]),
        [
          [a.id, ch, 'problem', T0],
          [a.id, ch, 'repeat', T0 + 600],
          [b.id, ch, 'flapping', T0 + 700],
        ],
      );
      assert.deepEqual(await n.history([]), []);
      const [first] = await n.list({ alert_id: a.id });
      await n.recordAttempt(first!.id, { ts: T0 + 1, ok: true, durationMs: 3 }, { status: 'delivered' });
      const log = await n.forAlert(a.id);
      assert.deepEqual(
        log.map((r) => [r.kind, r.channel_name, r.channel_type, r.attempts_log.length]),
        [
          ['problem', 'ops', 'webhook', 1],
          ['repeat', 'ops', 'webhook', 0],
        ],
      );
    });
  });
}
