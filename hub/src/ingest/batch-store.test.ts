import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addAgent, deviceRecord, T0 } from '../store/contract/fixtures.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import { storeBatch } from './batch-store.js';

it("applies a device's state from the latest seq only: a batch stored after a later one changes no state", async () => {
  const store = openSqliteStore(':memory:');
  try {
    const site = (await store.sites.insert({ name: 's' }, T0)).id;
    const device = (await store.devices.insert(deviceRecord(site, 'sw'), T0)).id;
    await addAgent(store, 'a1', site);
    const arrive = (seq: number, status: 'online' | 'unreachable') =>
      store.unit((tx) =>
        storeBatch(tx, {
          agentId: 'a1',
          siteId: site,
          batch: {
            v: 1,
            seq,
            sent_at: T0 + seq,
            samples: [{ device_id: device, metric: 'if_in_bps', value: seq, unit: 'bps', ts: T0 + seq }],
            events: [{ type: 'device_state', ts: T0 + seq, device_id: device, status } as never],
          },
          now: T0 + 100,
          connectedAt: T0,
          lostAfterMs: 60_000,
        }),
      );
    // Seq 2 (unreachable) is stored before seq 1 (online): another hub, or a re-send filling a gap.
    const second = await arrive(2, 'unreachable');
    assert.deepEqual(
      second.emits.map(([name]) => name),
      ['device.status'],
    );
    const first = await arrive(1, 'online');
    assert.equal(first.decision.verdict, 'stored');
    assert.equal(first.accepted.length, 1, 'its samples are stored');
    assert.deepEqual(first.emits, [], 'no status change from the older report');
    assert.equal((await store.devices.state(device))?.status, 'unreachable');
    // The next seq applies as usual.
    await arrive(3, 'online');
    assert.equal((await store.devices.state(device))?.status, 'online');
  } finally {
    await store.close();
  }
});
