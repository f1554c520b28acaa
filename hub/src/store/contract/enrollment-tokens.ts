import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addSite, type StoreFactory, T0, withStore } from './fixtures.js';

export function enrollmentTokensContract(factory: StoreFactory): void {
  it('creates a token by hash and spends it once; unknown and expired tokens are refused', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      const t = await store.enrollmentTokens.create({
        token_hash: 'h-1',
        site_id: s.id,
        expires_at: T0 + 1000,
        created_by: null,
        created_at: T0,
      });
      assert.deepEqual(t, {
        id: t.id,
        site_id: s.id,
        expires_at: T0 + 1000,
        used_at: null,
        used_by: null,
        created_by: null,
        created_at: T0,
      });
      assert.deepEqual(await store.enrollmentTokens.consume('h-x', 'agent-a', T0), {
        ok: false,
        reason: 'unknown',
      });
      assert.deepEqual(await store.enrollmentTokens.consume('h-1', 'agent-a', T0 + 1000), {
        ok: false,
        reason: 'expired',
      });
      const spent = await store.enrollmentTokens.consume('h-1', 'agent-a', T0 + 10);
      assert.deepEqual(spent, { ok: true, row: { ...t, used_at: T0 + 10, used_by: 'agent-a' } });
      assert.deepEqual(await store.enrollmentTokens.consume('h-1', 'agent-b', T0 + 20), {
        ok: false,
        reason: 'used',
      });
    });
  });

  it('lets only one of two units spend the same token and create their agent', async () => {
    await withStore(factory, async (store) => {
      const s = await addSite(store, 's');
      await store.enrollmentTokens.create({
        token_hash: 'race',
        site_id: s.id,
        expires_at: T0 + 60_000,
        created_by: null,
        created_at: T0,
      });
      const enroll = (agentId: string) =>
        store.unit(async (tx) => {
          const used = await tx.enrollmentTokens.consume('race', agentId, T0 + 1);
          if (!used.ok) throw new Error(`refused: ${used.reason}`);
          await tx.agents.create({
            id: agentId,
            site_id: used.row.site_id,
            hostname: null,
            version: null,
            secret_hash: 'x',
            created_at: T0 + 1,
            enrolled_with: used.row.id,
          });
          return agentId;
        });
      const results = await Promise.allSettled([enroll('agent-1'), enroll('agent-2')]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      assert.equal(won.length, 1);
      assert.equal(lost.length, 1);
      assert.match(String(lost[0]?.reason), /refused: used/);
      const agents = (await store.agents.list()).map((a) => a.id);
      assert.deepEqual(agents, [(won[0] as PromiseFulfilledResult<string>).value]);
    });
  });
}
