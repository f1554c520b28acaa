import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { NewJobRow } from '../jobs.js';
import { addAgent, addSite, type StoreFactory, T0, withStore } from './fixtures.js';

const job = (id: string, siteId: number, over: Partial<NewJobRow> = {}): NewJobRow => ({
  id,
  type: 'poll-now',
  args: { device_id: 7 },
  target_kind: 'device',
  target_id: 7,
  site_id: siteId,
  agent_id: 'agent-a',
  timeout_s: 60,
  queue_timeout_s: 900,
  created_by: null,
  now: T0,
  ...over,
});

export function jobsContract(factory: StoreFactory): void {
  it('inserts a queued job with its args and moves it only from the allowed states', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      await addAgent(store, 'agent-a', s.id);
      const j = await store.jobs.insert(job('job_1', s.id));
      assert.equal(j.state, 'queued');
      assert.deepEqual(j.args, { device_id: 7 });
      assert.equal(j.send_count, 0);
      assert.equal(j.result, null);
      assert.equal(
        await store.jobs.update('job_1', { state: 'sent', sent_at: T0 + 1, send_count: 1 }, ['queued']),
        true,
      );
      assert.equal(
        await store.jobs.update('job_1', { state: 'sent' }, ['queued']),
        false,
        'no longer queued',
      );
      assert.equal(
        await store.jobs.update('job_1', { state: 'succeeded', result: { ok: [1, 2] }, finished_at: T0 + 5 }),
        true,
      );
      const done = await store.jobs.get('job_1');
      assert.equal(done?.state, 'succeeded');
      assert.deepEqual(done?.result, { ok: [1, 2] });
      assert.equal(done?.send_count, 1);
      assert.equal(await store.jobs.update('job_1', {}), false, 'an empty patch changes nothing');
      await assert.rejects(store.jobs.update('job_1', { nope: 1 } as never), /unknown column/);
      assert.equal(await store.jobs.get('job_x'), undefined);
    });
  });

  it('lists newest first with filters and totals; pending and active jobs oldest first', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      const o = await addSite(store, 'o');
      await addAgent(store, 'agent-a', s.id);
      await addAgent(store, 'agent-b', o.id);
      await store.jobs.insert(job('job_1', s.id, { now: T0 + 1 }));
      await store.jobs.insert(job('job_2', s.id, { now: T0 + 2, type: 'camera-test' }));
      await store.jobs.insert(job('job_3', o.id, { now: T0 + 3, agent_id: 'agent-b' }));
      await store.jobs.update('job_2', { state: 'running' });
      await store.jobs.update('job_3', { state: 'failed' });
      const all = await store.jobs.list({ limit: 10, offset: 0 });
      assert.equal(all.total, 3);
      assert.deepEqual(
        all.items.map((j) => j.id),
        ['job_3', 'job_2', 'job_1'],
      );
      const page = await store.jobs.list({ site_id: s.id, limit: 1, offset: 1 });
      assert.equal(page.total, 2);
      assert.deepEqual(
        page.items.map((j) => j.id),
        ['job_1'],
      );
      assert.deepEqual(
        (await store.jobs.list({ type: 'camera-test', limit: 10, offset: 0 })).items.map((j) => j.id),
        ['job_2'],
      );
      assert.deepEqual(
        (await store.jobs.pendingFor('agent-a')).map((j) => j.id),
        ['job_1'],
      );
      assert.deepEqual(
        (await store.jobs.active()).map((j) => j.id),
        ['job_1', 'job_2'],
      );
    });
  });

  it('keeps log lines per job in order and pages them by id', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      await addAgent(store, 'agent-a', s.id);
      await store.jobs.insert(job('job_1', s.id));
      await store.jobs.insert(job('job_2', s.id));
      await store.jobs.addLogs('job_1', [
        { ts: T0, level: 'info', line: 'one' },
        { ts: T0 + 1, level: 'warn', line: 'two' },
      ]);
      await store.jobs.addLogs('job_2', [{ ts: T0, level: 'info', line: 'other' }]);
      await store.jobs.addLogs('job_1', [{ ts: T0 + 2, level: 'error', line: 'three' }]);
      const lines = await store.jobs.logs('job_1');
      assert.deepEqual(
        lines.map((l) => [l.level, l.line]),
        [
          ['info', 'one'],
          ['warn', 'two'],
          ['error', 'three'],
        ],
      );
      assert.deepEqual(
        (await store.jobs.logs('job_1', lines[0]!.id, 1)).map((l) => l.line),
        ['two'],
      );
    });
  });
}
