import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isStoreError } from '../errors.js';
import type { RolloutAgentRow } from '../rollouts.js';
import { type StoreFactory, T0, withStore } from './fixtures.js';
import { addRelease } from './releases.js';

const agentRow = (over: Partial<RolloutAgentRow> = {}): RolloutAgentRow => ({
  rollout_id: 1,
  agent_id: 'agent-00000000000000aa',
  site_id: 3,
  from_version: '1.0.0',
  state: 'pending',
  job_id: 'job_1',
  detail: null,
  since: T0,
  updated_at: T0,
  ...over,
});

export function rolloutsContract(factory: StoreFactory): void {
  it('creates an active rollout, finds it as the current one and changes only the fields given', async () => {
    await withStore(factory, async (store) => {
      await addRelease(store, '1.1.0');
      const r = await store.rollouts.insert(
        { version: '1.1.0', site_id: 3, percent: 0, confirm_s: 300, created_by: null },
        T0,
      );
      assert.deepEqual(r, {
        id: r.id,
        version: '1.1.0',
        state: 'active',
        site_id: 3,
        percent: 0,
        confirm_s: 300,
        note: null,
        created_by: null,
        created_at: T0,
        updated_at: T0,
        finished_at: null,
      });
      assert.deepEqual(await store.rollouts.current(), r);
      const paused = await store.rollouts.update(
        r.id,
        { state: 'paused', note: 'agent x rolled back' },
        T0 + 1,
      );
      assert.equal(paused?.state, 'paused');
      assert.equal(paused?.percent, 0);
      assert.equal(paused?.note, 'agent x rolled back');
      assert.equal(paused?.updated_at, T0 + 1);
      assert.equal((await store.rollouts.current())?.id, r.id, 'a paused rollout is still the current one');
      await store.rollouts.update(r.id, { state: 'completed', percent: 100, finished_at: T0 + 2 }, T0 + 2);
      assert.equal(await store.rollouts.current(), undefined);
      assert.equal(await store.rollouts.update(r.id + 99, { percent: 5 }, T0), undefined);
    });
  });

  it('allows one rollout in progress at a time (conflict), and one of a stored version only', async () => {
    await withStore(factory, async (store) => {
      await addRelease(store, '1.1.0');
      const first = await store.rollouts.insert(
        { version: '1.1.0', site_id: null, percent: 10, confirm_s: 60, created_by: null },
        T0,
      );
      await assert.rejects(
        store.rollouts.insert(
          { version: '1.1.0', site_id: null, percent: 10, confirm_s: 60, created_by: null },
          T0,
        ),
        (err) => isStoreError(err, 'conflict'),
      );
      await assert.rejects(
        store.rollouts.insert(
          { version: '7.7.7', site_id: null, percent: 10, confirm_s: 60, created_by: null },
          T0,
        ),
        (err) => isStoreError(err, 'reference') || isStoreError(err, 'conflict'),
      );
      await store.rollouts.update(first.id, { state: 'cancelled', finished_at: T0 }, T0);
      const second = await store.rollouts.insert(
        { version: '1.1.0', site_id: null, percent: 50, confirm_s: 60, created_by: null },
        T0 + 1,
      );
      assert.deepEqual(
        (await store.rollouts.list(10)).map((r) => r.id),
        [second.id, first.id],
      );
      assert.equal(await store.rollouts.usesVersion('1.1.0'), true);
      assert.equal(await store.rollouts.usesVersion('2.0.0'), false);
    });
  });

  it('keeps one row per agent of a rollout, replaced as it progresses', async () => {
    await withStore(factory, async (store) => {
      await addRelease(store, '1.1.0');
      const r = await store.rollouts.insert(
        { version: '1.1.0', site_id: 3, percent: 0, confirm_s: 60, created_by: null },
        T0,
      );
      const a = agentRow({ rollout_id: r.id });
      const b = agentRow({ rollout_id: r.id, agent_id: 'agent-00000000000000bb', site_id: 4 });
      await store.rollouts.putAgent(b);
      await store.rollouts.putAgent(a);
      await store.rollouts.putAgent({
        ...a,
        state: 'rolled_back',
        detail: 'did not reach the hub',
        since: T0 + 5,
        updated_at: T0 + 5,
      });
      assert.deepEqual(await store.rollouts.agents(r.id), [
        { ...a, state: 'rolled_back', detail: 'did not reach the hub', since: T0 + 5, updated_at: T0 + 5 },
        b,
      ]);
      assert.deepEqual(await store.rollouts.agents(r.id + 1), []);
    });
  });
}
