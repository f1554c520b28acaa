import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type BatchMessage,
  type ConfigInput,
  decode,
  encode,
  HUB_FILTERS,
  type ResultMessage,
  type StatusMessage,
  topics,
} from '@outpost/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { type Mosquitto, startMosquitto } from './support/mosquitto.js';
import { needPeers } from './support/peers.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNNER = path.join(ROOT, 'test/support/agent-runner.ts');

/** A minimal hub: stores batches idempotently by seq, acks the highest contiguous seq, records statuses. */
class TestHub {
  readonly batches = new Map<number, BatchMessage>();
  readonly statuses: StatusMessage[] = [];
  readonly results: ResultMessage[] = [];
  duplicates = 0;
  conflicts = 0;
  private client: MqttClient | null = null;
  constructor(
    private readonly url: string,
    private readonly agentId: string,
    private readonly credentials: { username?: string; password?: string } = {},
  ) {}

  async start(): Promise<void> {
    const client = mqtt.connect(this.url, {
      clientId: `hub-${process.pid}-${Date.now()}`,
      clean: true,
      reconnectPeriod: 200,
      ...this.credentials,
    });
    this.client = client;
    client.on('connect', () =>
      client.subscribe([HUB_FILTERS.batch, HUB_FILTERS.status, HUB_FILTERS.result], { qos: 1 }),
    );
    client.on('message', (topic, payload) => {
      const r = decode(topic, payload);
      if (!r.ok) throw new Error(`hub got an invalid message: ${r.error.message}`);
      if (r.kind === 'status') this.statuses.push(r.message);
      if (r.kind === 'result') this.results.push(r.message);
      if (r.kind !== 'batch') return;
      const prev = this.batches.get(r.message.seq);
      if (prev) {
        this.duplicates++;
        if (JSON.stringify(prev) !== JSON.stringify(r.message)) this.conflicts++;
      } else this.batches.set(r.message.seq, r.message);
      const out = encode('ack', { v: 1, upTo: this.upTo() });
      if (out.ok) client.publish(topics.ack(r.agentId), Buffer.from(out.bytes), { qos: 1 });
    });
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  }

  /** The highest seq such that 1..seq are all stored. */
  upTo(): number {
    let n = 0;
    while (this.batches.has(n + 1)) n++;
    return n;
  }

  command(id: string, type: string, args: Record<string, unknown>): void {
    const out = encode('command', { v: 1, id, type, args, issued_at: Date.now(), timeout_s: 30 });
    if (!out.ok) throw new Error(out.error.message);
    this.client?.publish(topics.command(this.agentId), Buffer.from(out.bytes), { qos: 1 });
  }

  publishConfig(config: ConfigInput): void {
    const out = encode('config', config);
    if (!out.ok) throw new Error(out.error.message);
    this.client?.publish(topics.config(this.agentId), Buffer.from(out.bytes), { qos: 1, retain: true });
  }

  /** Every test_counter sample stored, keyed run/device/n, with how often each was seen. */
  samples(): Map<string, number> {
    const seen = new Map<string, number>();
    for (const b of this.batches.values()) {
      for (const s of b.samples) {
        if (s.metric !== 'test_counter') continue;
        const key = `${s.labels?.run}/${s.device_id}/${s.labels?.n}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
    return seen;
  }

  events(type: string) {
    return [...this.batches.values()].flatMap((b) => b.events.filter((e) => e.type === type));
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true);
    this.client = null;
  }
}

interface AgentDir {
  dir: string;
  agentId: string;
}

function makeDataDir(brokerUrl: string, devices: number, pollS = 5): AgentDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-data-'));
  const agentId = `agent-${path.basename(dir).replace(/[^A-Za-z0-9]/g, '')}`;
  fs.writeFileSync(
    path.join(dir, 'identity.json'),
    JSON.stringify({
      agent_id: agentId,
      secret: 's3cret-value',
      site_id: 1,
      hub_url: 'http://127.0.0.1:9',
      mqtt_urls: [brokerUrl],
      hostname: 'test',
      enrolled_at: Date.now(),
    }),
    { mode: 0o600 },
  );
  const config: ConfigInput = {
    v: 1,
    version: 1,
    issued_at: Date.now(),
    site_id: 1,
    devices: Array.from({ length: devices }, (_, i) => ({
      id: i + 1,
      name: `sim-${i + 1}`,
      ip_address: '192.0.2.1',
      snmp: { version: '2c' as const, community: 'public' },
      poll_interval_s: pollS,
    })),
    intervals: { heartbeat_s: 5, batch_max_delay_ms: 200 },
  };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config), { mode: 0o600 });
  return { dir, agentId };
}

const children = new Set<ChildProcess>();
function startRunner(dir: string, run: string, env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, '--data', dir], {
    cwd: ROOT,
    env: {
      ...process.env,
      RUNNER_RUN: run,
      OUTPOST_LOG_LEVEL: 'warn',
      OUTPOST_RECONNECT_MIN_MS: '100',
      OUTPOST_RECONNECT_MAX_MS: '500',
      OUTPOST_ACK_TIMEOUT_MS: '1500',
      OUTPOST_STATE_INTERVAL_MS: '200',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  (child as ChildProcess & { output: () => string }).output = () => out;
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopRunner(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill(signal);
  return exited;
}

function committed(dir: string, run: string): Map<number, number> {
  const file = path.join(dir, `committed-${run}.json`);
  if (!fs.existsSync(file)) return new Map();
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number>;
  return new Map(Object.entries(raw).map(([k, v]) => [Number(k), v]));
}

function readState(
  dir: string,
): { outbox: { rows: number; totalDropped: number }; link: { state: string } } | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** Asserts every committed sample of `run` is stored exactly once, with no gaps per device. */
function assertExactlyOnce(hub: TestHub, dir: string, run: string): number {
  const seen = hub.samples();
  for (const [key, count] of seen) assert.equal(count, 1, `sample ${key} stored ${count} times`);
  let total = 0;
  for (const [device, n] of committed(dir, run)) {
    for (let i = 0; i < n; i++)
      assert.ok(seen.has(`${run}/${device}/${i}`), `sample ${run}/${device}/${i} lost`);
    total += n;
  }
  return total;
}

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
