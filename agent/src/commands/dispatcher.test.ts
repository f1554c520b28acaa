import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandMessage, DeviceConfig, MessageInputs } from '@outpost/protocol';
import { silentLogger } from '../logger.js';
import type { Poller } from '../runtime/types.js';
import { CommandDispatcher } from './dispatcher.js';
import { COMMANDS } from './index.js';

type Result = MessageInputs['result'];
const T0 = Date.UTC(2026, 0, 1);
const device: DeviceConfig = {
  id: 7,
  name: 'core-sw',
  ip_address: '192.0.2.10',
  port: 161,
  snmp: { version: '2c', community: 'c' },
  poll_interval_s: 60,
  timeout_ms: 1000,
  retries: 0,
  profiles: [],
};

function fakePoller(rows: number, delayMs = 0): Poller {
  return {
    async poll() {
      return {
        samples: [{ device_id: 7, metric: 'uptime', value: 1, ts: T0 }],
        events: [{ type: 'device_state', ts: T0, device_id: 7, status: 'online', sys: { name: 'core-sw' } }],
      };
    },
    async walk(_d, oid, onRow, options) {
      let n = 0;
      for (; n < rows && n < (options?.maxRows ?? Number.POSITIVE_INFINITY); n++) {
        if (options?.signal?.aborted) throw new Error('walk aborted');
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        onRow({ oid: `${oid}.${n + 1}`, type: 'INTEGER', value: String(n) });
      }
      return { rows: n, truncated: n < rows };
    },
    forget() {},
    close() {},
  };
}

function setup(poller = fakePoller(3), handlers = COMMANDS) {
  const results: Result[] = [];
  const d = new CommandDispatcher({
    handlers,
    now: () => T0,
    log: silentLogger,
    flushMs: 10,
    publish: async (r) => void results.push(r),
    context: {
      config: () => null,
      device: (id) => (id === 7 ? device : undefined),
      camera: () => undefined,
      poller,
      prober: null,
      pollDevice: (dev) => poller.poll(dev),
      probeCamera: async () => ({ samples: [], events: [] }),
      publishSnapshot: async () => {},
      hubUrl: 'http://hub.test:8080',
      log: silentLogger,
    },
  });
  const final = async (id: string): Promise<Result> => {
    const deadline = Date.now() + 3000;
    for (;;) {
      const r = results.find((x) => x.id === id && !['accepted', 'running'].includes(x.state));
      if (r) return r;
      if (Date.now() > deadline) throw new Error(`no final result for ${id}: ${JSON.stringify(results)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { d, results, final };
}

const cmd = (id: string, type: string, args: Record<string, unknown>, timeout_s = 60): CommandMessage => ({
  v: 1,
  id,
  type,
  args,
  issued_at: T0,
  timeout_s,
});

describe('command dispatcher', () => {
  it('answers an unknown command type with a failed result naming it', async () => {
    const { d, final } = setup();
    d.handle(cmd('j1', 'reboot-the-world', {}));
    const r = await final('j1');
    assert.equal(r.state, 'failed');
    assert.match(r.error ?? '', /unsupported command type "reboot-the-world"/);
  });

  it('fails a command with invalid args, naming the field', async () => {
    const { d, final } = setup();
    d.handle(cmd('j2', 'walk', { device_id: 7, oid: 'ifTable' }));
    const r = await final('j2');
    assert.equal(r.state, 'failed');
    assert.match(r.error ?? '', /args\.oid/);
  });

  it('fails a known type this agent has no handler for', async () => {
    const { d, final } = setup(fakePoller(3), new Map([...COMMANDS].filter(([type]) => type !== 'walk')));
    d.handle(cmd('j3', 'walk', { device_id: 7, oid: '1.3.6.1.2.1.2.2' }));
    const r = await final('j3');
    assert.equal(r.state, 'failed');
    assert.match(r.error ?? '', /not supported by this agent/);
  });

  it('sends a partial result in a running message of its own, after the log lines before it', async () => {
    const handlers = new Map(COMMANDS);
    handlers.set('poll-now', {
      type: 'poll-now',
      async run(job) {
        job.log('first line');
        job.partial({ hosts: [1] });
        job.log('second line');
        return { done: true };
      },
    });
    const { d, results, final } = setup(fakePoller(3), handlers);
    d.handle(cmd('jp', 'poll-now', { device_id: 7 }));
    const r = await final('jp');
    assert.deepEqual(r.result, { done: true });
    const mine = results.filter((x) => x.id === 'jp' && x.state === 'running');
    const withResult = mine.filter((x) => x.result !== undefined);
    assert.equal(withResult.length, 1);
    assert.deepEqual(withResult[0]?.result, { hosts: [1] });
    assert.deepEqual(withResult[0]?.logs ?? [], []);
    const before = mine.slice(0, mine.indexOf(withResult[0]!)).flatMap((x) => x.logs ?? []);
    assert.deepEqual(
      before.map((l) => l.line),
      ['first line'],
    );
  });

  it('fails a discover naming a credential set that is not in the config', async () => {
    const { d, final } = setup();
    d.handle(cmd('j3b', 'discover', { cidrs: ['192.0.2.0/30'], credential_set_ids: [9] }));
    const r = await final('j3b');
    assert.equal(r.state, 'failed');
    assert.match(r.error ?? '', /credential set 9 is not in this agent's config/);
  });

  it('walks a subtree into log lines, accepted then running then succeeded', async () => {
    const { d, results, final } = setup(fakePoller(120));
    d.handle(cmd('j4', 'walk', { device_id: 7, oid: '1.3.6.1.2.1.2.2', max_rows: 100 }));
    const r = await final('j4');
    assert.equal(r.state, 'succeeded');
    assert.deepEqual(r.result, { rows: 100, truncated: true });
    const mine = results.filter((x) => x.id === 'j4');
    assert.equal(mine[0]?.state, 'accepted');
    assert.equal(mine[1]?.state, 'running');
    const lines = mine.flatMap((x) => x.logs ?? []).map((l) => l.line);
    assert.ok(lines.includes('1.3.6.1.2.1.2.2.1 = INTEGER: 0'));
    assert.equal(lines.filter((l) => l.startsWith('1.3.6.1.2.1.2.2.')).length, 100);
  });

  it('reports poll-now with the device status and sysName', async () => {
    const { d, final } = setup();
    d.handle(cmd('j5', 'poll-now', { device_id: 7 }));
    const r = await final('j5');
    assert.equal(r.state, 'succeeded');
    assert.deepEqual(r.result, {
      device_id: 7,
      status: 'online',
      sys: { name: 'core-sw' },
      samples: 1,
      events: 1,
    });
  });

  it('fails poll-now for a device the agent does not have', async () => {
    const { d, final } = setup();
    d.handle(cmd('j6', 'poll-now', { device_id: 99 }));
    assert.match((await final('j6')).error ?? '', /device 99 is not in this agent's config/);
  });

  it('times out a command that runs past its timeout', async () => {
    const { d, final } = setup(fakePoller(10_000, 5));
    d.handle(cmd('j7', 'walk', { device_id: 7, oid: '1.3' }, 1));
    const r = await final('j7');
    assert.equal(r.state, 'timed_out');
  });

  it('cancels a running command', async () => {
    const { d, final } = setup(fakePoller(10_000, 5));
    d.handle(cmd('j8', 'walk', { device_id: 7, oid: '1.3' }));
    await new Promise((r) => setTimeout(r, 30));
    d.handle(cmd('j9', 'cancel', { command_id: 'j8' }));
    assert.equal((await final('j8')).state, 'cancelled');
    assert.deepEqual((await final('j9')).result, { command_id: 'j8', cancelled: true });
  });

  it('runs a re-sent command once and repeats its final result', async () => {
    const { d, results, final } = setup();
    d.handle(cmd('j10', 'poll-now', { device_id: 7 }));
    d.handle(cmd('j10', 'poll-now', { device_id: 7 }));
    await final('j10');
    d.handle(cmd('j10', 'poll-now', { device_id: 7 }));
    await new Promise((r) => setTimeout(r, 20));
    const mine = results.filter((x) => x.id === 'j10');
    assert.equal(mine.filter((x) => x.state === 'accepted').length, 1);
    assert.equal(mine.filter((x) => x.state === 'succeeded').length, 2);
  });
});
