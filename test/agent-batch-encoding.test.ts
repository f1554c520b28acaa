import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { CAPABILITY_COMPACT_BATCH, type ConfigInput } from '@outpost/protocol';
import {
  assertExactlyOnce,
  children,
  makeDataDir,
  readState,
  startRunner,
  stopRunner,
  TestHub,
  waitFor,
} from './support/agent-fixtures.js';
import { type Mosquitto, startMosquitto } from './support/mosquitto.js';
import { needPeers } from './support/peers.js';

/** A hub's config for the runner's simulated devices (polls spread over 5 s: a batch every half second or so);
 * `capabilities` as a hub of that age sends it. */
const config = (version: number, capabilities?: string[]): ConfigInput => ({
  v: 1,
  version,
  issued_at: Date.now(),
  site_id: 1,
  devices: Array.from({ length: 10 }, (_, i) => i + 1).map((id) => ({
    id,
    name: `sim-${id}`,
    ip_address: '192.0.2.1',
    snmp: { version: '2c' as const, community: 'public' },
    poll_interval_s: 5,
  })),
  intervals: { heartbeat_s: 5, batch_max_delay_ms: 200 },
  ...(capabilities ? { capabilities } : {}),
});

describe('agent batch encoding follows what the hub announces (real broker)', {
  skip: needPeers('mosquitto'),
}, () => {
  let broker: Mosquitto;
  const dirs: string[] = [];
  before(async () => {
    broker = await startMosquitto();
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await broker?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('sends JSON to a hub that does not announce compact batches, compact once it does, JSON again when it stops', async () => {
    const { dir, agentId } = makeDataDir(broker.url, 10);
    dirs.push(dir);
    const hub = new TestHub(broker.url, agentId);
    await hub.start();
    const runner = startRunner(dir, 'enc', { RUNNER_SAMPLES: '10' });
    const since = (n: number) => hub.arrivals.slice(n);
    try {
      // An older hub: its config has no capabilities.
      hub.publishConfig(config(2));
      await waitFor('batches from the agent', () => hub.arrivals.length >= 3);
      assert.deepEqual(new Set(hub.arrivals.map((a) => a.encoding)), new Set(['json']));

      // The hub is upgraded: the same config version, now with the capability.
      hub.publishConfig(config(2, [CAPABILITY_COMPACT_BATCH, 'some.future.capability']));
      let mark = hub.arrivals.length;
      await waitFor('a compact batch', () => since(mark).some((a) => a.encoding === 'compact'));
      const firstCompact = hub.arrivals.findIndex((a, i) => i >= mark && a.encoding === 'compact');
      await waitFor('more batches', () => hub.arrivals.length >= firstCompact + 3);
      assert.deepEqual(
        hub.arrivals.slice(firstCompact).map((a) => a.encoding),
        hub.arrivals.slice(firstCompact).map(() => 'compact'),
        'every batch after the first compact one is compact',
      );
      await waitFor(
        'state.json to show the encoding',
        () =>
          (readState(dir) as { forwarder?: { encoding?: string } } | null)?.forwarder?.encoding === 'compact',
      );

      // Downgraded again: the agent goes back to JSON.
      hub.publishConfig(config(2));
      mark = hub.arrivals.length;
      await waitFor('a JSON batch again', () => since(mark).some((a) => a.encoding === 'json'));

      assert.equal(await stopRunner(runner), 0);
      await waitFor(
        'everything committed',
        () => {
          try {
            assertExactlyOnce(hub, dir, 'enc');
            return true;
          } catch {
            return false;
          }
        },
        10_000,
      ).catch(() => {});
      assert.ok(assertExactlyOnce(hub, dir, 'enc') > 0);
      assert.equal(hub.conflicts, 0, 'a batch re-sent in the other encoding has the same content');
      const seqs = [...hub.batches.keys()].sort((a, b) => a - b);
      assert.deepEqual(
        seqs,
        Array.from({ length: seqs.length }, (_, i) => i + 1),
      );
    } finally {
      await stopRunner(runner, 'SIGKILL');
      await hub.stop();
    }
  });

  it('keeps JSON with batch_encoding json whatever the hub announces', async () => {
    const { dir, agentId } = makeDataDir(broker.url, 10);
    dirs.push(dir);
    const hub = new TestHub(broker.url, agentId);
    await hub.start();
    const runner = startRunner(dir, 'json', { RUNNER_SAMPLES: '10', OUTPOST_BATCH_ENCODING: 'json' });
    try {
      hub.publishConfig(config(2, [CAPABILITY_COMPACT_BATCH]));
      await waitFor('config 2 applied', () => hub.statuses.some((s) => s.config_version === 2));
      const mark = hub.arrivals.length;
      await waitFor('batches after the config', () => hub.arrivals.length >= mark + 3);
      assert.deepEqual(new Set(hub.arrivals.map((a) => a.encoding)), new Set(['json']));
      assert.equal(await stopRunner(runner), 0);
    } finally {
      await stopRunner(runner, 'SIGKILL');
      await hub.stop();
    }
  });
});
