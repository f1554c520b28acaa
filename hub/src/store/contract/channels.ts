import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ChannelInput } from '../channels.js';
import { isStoreError } from '../errors.js';
import { type StoreFactory, T0, withStore } from './fixtures.js';

const input = (name: string, routes: ChannelInput['routes'] = []): ChannelInput => ({
  name,
  type: 'webhook',
  enabled: true,
  min_severity: 'info',
  daily_summary: false,
  config: { url: 'http://127.0.0.1:9/hook' },
  secret: 'v1:encrypted',
  routes,
});

export function channelsContract(factory: StoreFactory): void {
  it('saves a channel with its routes in order, replaces them on update, deletes them with it', async () => {
    await withStore(factory, async (store) => {
      const ch = store.channels;
      const id = await ch.save(
        null,
        input('ops', [
          {
            scope: { type: 'all' },
            severities: ['critical'],
            rules: null,
            delay_s: 0,
            repeat_interval_s: 600,
          },
          {
            scope: { type: 'site', id: 2 },
            severities: null,
            rules: ['agent-offline'],
            delay_s: 60,
            repeat_interval_s: null,
          },
        ]),
        T0,
      );
      const row = await ch.get(id);
      assert.equal(row?.name, 'ops');
      assert.equal(row?.secret, 'v1:encrypted');
      assert.deepEqual(JSON.parse(row?.config ?? '{}'), { url: 'http://127.0.0.1:9/hook' });
      const routes = await ch.routes(id);
      assert.deepEqual(
        routes.map((r) => [
          r.position,
          JSON.parse(r.scope),
          r.severities && JSON.parse(r.severities),
          r.delay_s,
        ]),
        [
          [0, { type: 'all' }, ['critical'], 0],
          [1, { type: 'site', id: 2 }, null, 60],
        ],
      );
      const other = await ch.save(null, input('mail'), T0);
      await ch.save(id, { ...input('ops-2'), enabled: false, routes: [] }, T0 + 1);
      assert.deepEqual(await ch.routes(id), []);
      assert.equal((await ch.get(id))?.enabled, 0);
      assert.equal((await ch.byName('ops-2'))?.id, id);
      await assert.rejects(ch.save(null, input('mail'), T0), (err) => isStoreError(err, 'conflict'));
      await ch.save(
        other,
        input('mail', [
          { scope: { type: 'all' }, severities: null, rules: null, delay_s: 5, repeat_interval_s: null },
        ]),
        T0,
      );
      assert.deepEqual(
        (await ch.allRoutes()).map((r) => [r.channel_id, r.delay_s]),
        [[other, 5]],
      );
      assert.deepEqual(
        (await ch.list()).map((c) => c.id),
        [id, other],
      );
      assert.equal(await ch.delete(other), true);
      assert.equal(await ch.delete(other), false);
      assert.deepEqual(await ch.allRoutes(), []);
    });
  });
}
