import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type StoreFactory, withStore } from './fixtures.js';

export function alertingStateContract(factory: StoreFactory): void {
  it('keeps small facts by key and counts config changes from 0', async () => {
    await withStore(factory, async (store) => {
      const st = store.alertingState;
      assert.equal(await st.get('last_summary_date'), undefined);
      await st.set('last_summary_date', '2026-01-01');
      await st.set('last_summary_date', '2026-01-02');
      assert.equal(await st.get('last_summary_date'), '2026-01-02');
      assert.equal(await st.configVersion(), '0');
      assert.equal(await st.bumpConfigVersion(), 1);
      assert.equal(await st.bumpConfigVersion(), 2);
      assert.equal(await st.configVersion(), '2');
    });
  });
}
