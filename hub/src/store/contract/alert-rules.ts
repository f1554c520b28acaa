import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isStoreError } from '../errors.js';
import { type StoreFactory, T0, withStore } from './fixtures.js';

export function alertRulesContract(factory: StoreFactory): void {
  it('creates each built-in kind once, keeps user rules after them, updates and deletes', async () => {
    await withStore(factory, async (store) => {
      const rules = store.alertRules;
      const kinds = [
        { kind: 'device-unreachable', severity: 'high' as const, params: { for_s: 0 }, description: 'd' },
        { kind: 'agent-offline', severity: 'critical' as const, params: {}, description: 'a' },
      ];
      assert.equal(await rules.ensureBuiltins(kinds, T0), 2);
      assert.equal(await rules.ensureBuiltins(kinds, T0 + 1), 0, 'once');
      const user = await rules.insert(
        {
          name: 'UPS low',
          kind: 'threshold',
          enabled: true,
          severity: 'critical',
          params: { metric: 'x', threshold: 20 },
        },
        null,
        T0 + 2,
      );
      assert.equal(user.builtin, 0);
      assert.deepEqual(JSON.parse(user.params), { metric: 'x', threshold: 20 });
      const list = await rules.list();
      assert.deepEqual(
        list.map((r) => [r.name, r.builtin]),
        [
          ['device-unreachable', 1],
          ['agent-offline', 1],
          ['UPS low', 0],
        ],
      );
      assert.equal((await rules.byName('UPS low'))?.id, user.id);
      await assert.rejects(
        rules.insert(
          { name: 'UPS low', kind: 'threshold', enabled: true, severity: 'low', params: {} },
          null,
          T0,
        ),
        (err) => isStoreError(err, 'conflict'),
      );
      const u = await rules.update(
        user.id,
        {
          name: 'UPS very low',
          enabled: false,
          severity: 'high',
          params: { metric: 'x', threshold: 10 },
          description: null,
        },
        T0 + 3,
      );
      assert.equal(u?.enabled, 0);
      assert.equal(u?.updated_at, T0 + 3);
      assert.equal(
        await rules.update(
          999,
          { name: 'x', enabled: true, severity: 'low', params: {}, description: null },
          T0,
        ),
        undefined,
      );
      assert.equal(await rules.delete(user.id), true);
      assert.equal(await rules.delete(user.id), false);
      assert.equal(await rules.get(user.id), undefined);
    });
  });
}
