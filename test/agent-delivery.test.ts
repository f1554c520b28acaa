import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConfigInput } from '@outpost/protocol';
import {
  assertExactlyOnce,
  children,
  committed,
  makeDataDir,
  readState,
  startRunner,
  stopRunner,
  TestHub,
  waitFor,
} from './support/agent-fixtures.js';
import { type Mosquitto, startMosquitto } from './support/mosquitto.js';
import { needPeers } from './support/peers.js';

describe('agent store-and-forward against a real broker', { skip: needPeers('mosquitto') }, () => {
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

  it('loses and duplicates nothing when the agent is killed -9 mid-stream and restarted', async () => {
    const { dir, agentId } = makeDataDir(broker.url, 10);
    dirs.push(dir);
    const hub = new TestHub(broker.url, agentId);
    await hub.start();
    try {
      const first = startRunner(dir, 'r1', { RUNNER_SAMPLES: '50' });
      // Past the first poll round, so that every device has a committed count to check against.
      await waitFor('samples of the first run', () => hub.samples().size >= 700);
      await stopRunner(first, 'SIGKILL');
      const second = startRunner(dir, 'r2', { RUNNER_SAMPLES: '50' });
      await waitFor(
        'samples of the second run',
        () => [...hub.samples().keys()].filter((k) => k.startsWith('r2/')).length >= 300,
      );
      assert.equal(await stopRunner(second), 0, 'a clean stop exits 0');
      await waitFor(
        'the backlog of both runs',
        () => {
          try {
            assertExactlyOnce(hub, dir, 'r1');
            assertExactlyOnce(hub, dir, 'r2');
            return true;
          } catch {
            return false;
          }
        },
        10_000,
      ).catch(() => {});
      const r1 = assertExactlyOnce(hub, dir, 'r1');
      const r2 = assertExactlyOnce(hub, dir, 'r2');
      assert.ok(r1 >= 500 && r2 >= 250, `committed r1=${r1} r2=${r2}`);
      assert.equal(hub.conflicts, 0, 'a re-sent batch keeps its seq and content');
      const seqs = [...hub.batches.keys()].sort((a, b) => a - b);
      assert.deepEqual(
        seqs,
        Array.from({ length: seqs.length }, (_, i) => i + 1),
        'seqs 1..N without gaps',
      );
      assert.equal(readState(dir)?.outbox.rows, 0, 'a clean stop flushes the outbox');
    } finally {
      await hub.stop();
    }
  });

  it('drains the backlog when the broker comes back, keeps live data flowing, every seq once', async () => {
    const { dir, agentId } = makeDataDir(broker.url, 10);
    dirs.push(dir);
    const hub = new TestHub(broker.url, agentId);
    await hub.start();
    const runner = startRunner(dir, 'away', { RUNNER_SAMPLES: '20' });
    try {
      await waitFor('first samples', () => hub.samples().size >= 100);
      await broker.stop(true);
      await waitFor(
        'a backlog while the hub is away',
        () => (readState(dir)?.outbox.rows ?? 0) >= 200,
        20_000,
      );
      const during = readState(dir)?.outbox.rows ?? 0;
      await broker.start();
      const before = hub.samples().size;
      await waitFor('the backlog to drain', () => hub.samples().size >= before + during, 20_000);
      const drained = hub.samples().size;
      await waitFor('live data after the outage', () => hub.samples().size >= drained + 100, 20_000);
      assert.equal(await stopRunner(runner), 0);
      await waitFor(
        'everything committed to arrive',
        () => {
          try {
            assertExactlyOnce(hub, dir, 'away');
            return true;
          } catch {
            return false;
          }
        },
        10_000,
      ).catch(() => {});
      assertExactlyOnce(hub, dir, 'away');
      assert.equal(hub.conflicts, 0);
      const seqs = [...hub.batches.keys()].sort((a, b) => a - b);
      assert.deepEqual(
        seqs,
        Array.from({ length: seqs.length }, (_, i) => i + 1),
      );
      assert.ok(hub.events('lifecycle').some((e) => (e as { phase?: string }).phase === 'reconnected'));
    } finally {
      await stopRunner(runner, 'SIGKILL');
      await hub.stop();
      // The next test needs the broker.
      await broker.start().catch(() => {});
    }
  });

  it('evicts the oldest rows when the outbox is full and the drop count reaches the hub', async () => {
    const { dir, agentId } = makeDataDir(broker.url, 10);
    dirs.push(dir);
    const hub = new TestHub(broker.url, agentId);
    // No hub yet: nothing is acknowledged, the outbox fills up.
    const runner = startRunner(dir, 'full', { RUNNER_SAMPLES: '40', OUTPOST_OUTBOX_MAX_BYTES: '65536' });
    try {
      await waitFor('evictions', () => (readState(dir)?.outbox.totalDropped ?? 0) > 100, 30_000);
      await hub.start();
      await waitFor('a buffer_drop event at the hub', () => hub.events('buffer_drop').length > 0, 20_000);
      await waitFor(
        'a status with the drop count',
        () => hub.statuses.some((s) => (s.dropped ?? 0) > 0),
        20_000,
      );
      assert.equal(await stopRunner(runner), 0);
      const state = readState(dir);
      assert.ok(state);
      const drops = hub.events('buffer_drop') as unknown as { dropped: number; total_dropped: number }[];
      const last = drops.at(-1);
      assert.ok(last && last.total_dropped > 0 && last.dropped > 0);
      assert.ok(
        state.outbox.totalDropped >= last.total_dropped,
        'the hub never hears of more drops than happened',
      );
      const produced = [...committed(dir, 'full').values()].reduce((a, b) => a + b, 0);
      const stored = [...hub.samples().keys()].filter((k) => k.startsWith('full/')).length;
      for (const [key, count] of hub.samples()) assert.equal(count, 1, `sample ${key} stored ${count} times`);
      assert.ok(stored < produced, 'some samples were evicted');
      assert.ok(
        produced - stored <= state.outbox.totalDropped,
        `missing ${produced - stored} > dropped ${state.outbox.totalDropped}: a silent loss`,
      );
    } finally {
      await stopRunner(runner, 'SIGKILL');
      await hub.stop();
    }
  });

  it('polls with the persisted config while the broker is down, then applies newer configs only, and runs commands', async () => {
    const { dir, agentId } = makeDataDir(broker.url, 2);
    dirs.push(dir);
    await broker.stop(true);
    const runner = startRunner(dir, 'cfg', { RUNNER_SAMPLES: '5' });
    const hub = new TestHub(broker.url, agentId);
    const configVersion = () =>
      JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).version as number;
    const config = (version: number, devices: number): ConfigInput => ({
      v: 1,
      version,
      issued_at: Date.now(),
      site_id: 1,
      devices: Array.from({ length: devices }, (_, i) => ({
        id: i + 1,
        name: `sim-${i + 1}`,
        ip_address: '192.0.2.1',
        snmp: { version: '2c' as const, community: 'public' },
        poll_interval_s: 5,
      })),
      intervals: { heartbeat_s: 5, batch_max_delay_ms: 200 },
    });
    try {
      // Edge autonomy: no broker, yet both devices of the persisted config are polled into the outbox.
      await waitFor('polls without a hub', () => {
        const st = readState(dir) as { devices: { last?: unknown }[]; outbox: { rows: number } } | null;
        return !!st && st.devices.length === 2 && st.devices.every((d) => d.last) && st.outbox.rows > 0;
      });
      await broker.start();
      await hub.start();
      hub.publishConfig(config(2, 3));
      await waitFor('config 2 applied and persisted', () => configVersion() === 2);
      await waitFor('samples of the new device', () =>
        [...hub.samples().keys()].some((k) => k.startsWith('cfg/3/')),
      );
      hub.publishConfig(config(1, 1));
      hub.publishConfig(config(3, 3));
      await waitFor('config 3 applied', () => configVersion() === 3);
      const applied = hub
        .events('lifecycle')
        .filter((e) => (e as { phase?: string }).phase === 'config_applied');
      await waitFor(
        'config_applied events',
        () =>
          hub.events('lifecycle').filter((e) => (e as { phase?: string }).phase === 'config_applied')
            .length >= 2,
      );
      const versions = hub
        .events('lifecycle')
        .filter((e) => (e as { phase?: string }).phase === 'config_applied')
        .map((e) => (e as { config_version?: number }).config_version);
      assert.deepEqual(
        versions,
        [2, 3],
        `an older config must be ignored (applied before: ${applied.length})`,
      );
      await waitFor('a heartbeat with config_version 3', () =>
        hub.statuses.some((s) => s.config_version === 3),
      );

      hub.command('job-poll', 'poll-now', { device_id: 2 });
      hub.command('job-bad', 'format-disk', {});
      hub.command('job-missing', 'poll-now', { device_id: 99 });
      const final = (id: string) =>
        hub.results.find((r) => r.id === id && !['accepted', 'running'].includes(r.state));
      await waitFor(
        'command results',
        () => !!(final('job-poll') && final('job-bad') && final('job-missing')),
      );
      assert.equal(final('job-poll')?.state, 'succeeded');
      assert.equal((final('job-poll')?.result as { status?: string } | undefined)?.status, 'online');
      assert.equal(final('job-bad')?.state, 'failed');
      assert.match(final('job-bad')?.error ?? '', /unsupported command type "format-disk"/);
      assert.equal(final('job-missing')?.state, 'failed');
      assert.equal(hub.results.filter((r) => r.id === 'job-poll')[0]?.state, 'accepted');
      assert.equal(await stopRunner(runner), 0);
      assert.ok(
        hub.statuses.some((s) => s.state === 'offline' && s.reason === 'shutdown'),
        'a clean stop says so',
      );
    } finally {
      await stopRunner(runner, 'SIGKILL');
      await hub.stop();
      await broker.start().catch(() => {});
    }
  });
});

describe('agent link against a broker that refuses it', {
  skip: needPeers('mosquitto', 'mosquitto_passwd'),
}, () => {
  let broker: Mosquitto;
  const dirs: string[] = [];
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await broker?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('says its credentials were refused, keeps retrying, and connects once they are accepted', async () => {
    broker = await startMosquitto({ auth: { hub: 'hub-password-1' } });
    const { dir, agentId } = makeDataDir(broker.url, 1);
    dirs.push(dir);
    const runner = startRunner(dir, 'auth', { RUNNER_SAMPLES: '3' });
    const state = () =>
      readState(dir) as { link: { state: string; lastError?: string; connects: number } } | null;
    await waitFor('the refusal in state.json', () =>
      /refused this agent's credentials/.test(state()?.link.lastError ?? ''),
    );
    assert.notEqual(state()?.link.state, 'online');
    broker.setUsers({ hub: 'hub-password-1', [agentId]: 's3cret-value' });
    const hub = new TestHub(broker.url, agentId, { username: 'hub', password: 'hub-password-1' });
    await hub.start();
    try {
      await waitFor('the agent online', () => state()?.link.state === 'online', 20_000);
      await waitFor('samples at the hub', () => hub.samples().size > 0, 20_000);
      assert.equal(await stopRunner(runner), 0);
    } finally {
      await stopRunner(runner, 'SIGKILL');
      await hub.stop();
    }
  });
});
