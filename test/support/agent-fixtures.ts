// Fixtures for the agent delivery tests: a minimal hub on a real broker, pre-filled data directories, and the
// agent runner (test/support/agent-runner.ts) as a child process.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type BatchMessage,
  type ConfigInput,
  decode,
  encode,
  HUB_FILTERS,
  isCompactBatch,
  type ResultMessage,
  type StatusMessage,
  topics,
} from '@outpost/protocol';
import mqtt, { type MqttClient } from 'mqtt';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RUNNER = path.join(ROOT, 'test/support/agent-runner.ts');

/** A minimal hub: stores batches idempotently by seq, acks the highest contiguous seq, records statuses. */
export class TestHub {
  readonly batches = new Map<number, BatchMessage>();
  readonly statuses: StatusMessage[] = [];
  readonly results: ResultMessage[] = [];
  /** Every batch payload received, in order: its seq and whether it came JSON or compact. */
  readonly arrivals: { seq: number; encoding: 'json' | 'compact' }[] = [];
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
      this.arrivals.push({ seq: r.message.seq, encoding: isCompactBatch(payload) ? 'compact' : 'json' });
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

export interface AgentDir {
  dir: string;
  agentId: string;
}

export function makeDataDir(brokerUrl: string, devices: number, pollS = 5): AgentDir {
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

/** Runner processes still alive (tests kill them in `after`). */
export const children = new Set<ChildProcess>();
export function startRunner(dir: string, run: string, env: Record<string, string> = {}): ChildProcess {
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

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function stopRunner(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill(signal);
  return exited;
}

export function committed(dir: string, run: string): Map<number, number> {
  const file = path.join(dir, `committed-${run}.json`);
  if (!fs.existsSync(file)) return new Map();
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number>;
  return new Map(Object.entries(raw).map(([k, v]) => [Number(k), v]));
}

export function readState(
  dir: string,
): { outbox: { rows: number; totalDropped: number }; link: { state: string } } | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** Asserts every committed sample of `run` is stored exactly once, with no gaps per device. */
export function assertExactlyOnce(hub: TestHub, dir: string, run: string): number {
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
