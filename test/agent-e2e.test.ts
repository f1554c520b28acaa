import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from './support/mosquitto.js';
import { needPeers } from './support/peers.js';
import { type RunningSnmpd, startSnmpd } from './support/snmpd.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const HUB_BIN = path.join(ROOT, 'hub/bin/outpost-hub.js');
const AGENT_BIN = path.join(ROOT, 'agent/bin/outpost-agent.js');
const ADMIN_PASSWORD = 'e2e-Str0ng-pa55word-long';
const POLL_S = 5;

interface Proc {
  child: ChildProcess;
  output(): string;
}

const procs = new Set<ChildProcess>();
function start(bin: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: ROOT,
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  procs.add(child);
  child.once('exit', () => procs.delete(child));
  return { child, output: () => out };
}

/** The environment without OUTPOST_* settings of the caller (hub and agent share the prefix). */
function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k, v]) => !k.startsWith('OUTPOST_') && v !== undefined),
  ) as Record<string, string>;
}

async function exec(
  bin: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const p = start(bin, args, env);
  const code = await new Promise<number | null>((r) => p.child.once('exit', (c) => r(c)));
  return { code, out: p.output() };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stop(p: Proc): Promise<number | null> {
  if (p.child.exitCode !== null) return p.child.exitCode;
  const exited = new Promise<number | null>((r) => p.child.once('exit', (c) => r(c)));
  p.child.kill('SIGTERM');
  return exited;
}

describe('agent end to end through the CLIs, as a new user would', {
  skip: needPeers('snmpd'),
  timeout: 120_000,
}, () => {
  let snmpd: RunningSnmpd;
  let hub: Proc;
  let agent: Proc | null = null;
  let hubUrl = '';
  let hubEnv: Record<string, string> = {};
  let token = '';
  let deviceId = 0;
  const hubDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-hub-'));
  const agentDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-agent-')), 'data');
  const agentEnv = {
    OUTPOST_RECONNECT_MIN_MS: '200',
    OUTPOST_RECONNECT_MAX_MS: '2000',
    OUTPOST_STATE_INTERVAL_MS: '500',
  };

  // biome-ignore lint/suspicious/noExplicitAny: API bodies of many shapes, checked by the assertions
  const api = async (method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${hubUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  before(async () => {
    snmpd = await startSnmpd({ sysName: 'e2e-switch' });
    const httpPort = await freePort();
    const mqttPort = await freePort();
    hubUrl = `http://127.0.0.1:${httpPort}`;
    hubEnv = {
      OUTPOST_DATA_DIR: hubDir,
      OUTPOST_HTTP_PORT: String(httpPort),
      OUTPOST_MQTT_PORT: String(mqttPort),
      OUTPOST_HOST: '127.0.0.1',
      OUTPOST_ADMIN_PASSWORD: ADMIN_PASSWORD,
      OUTPOST_LOG_LEVEL: 'warn',
    };
    await startHub();
    await login();
  });

  const startHub = async () => {
    hub = start(HUB_BIN, ['serve'], hubEnv);
    await until(
      'the hub to answer',
      async () => {
        if (hub.child.exitCode !== null) throw new Error(`the hub exited: ${hub.output()}`);
        return (await fetch(`${hubUrl}/api/v1/health`)).ok ? true : undefined;
      },
      30_000,
    );
  };

  async function login(): Promise<void> {
    const res = await fetch(`${hubUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    assert.equal(res.status, 200);
    token = ((await res.json()) as { access_token: string }).access_token;
  }

  after(async () => {
    for (const c of procs) c.kill('SIGKILL');
    await snmpd?.stop();
    fs.rmSync(hubDir, { recursive: true, force: true });
    fs.rmSync(path.dirname(agentDir), { recursive: true, force: true });
  });

  it('enrolls, runs, and reports a device added through the API online with sysName and interface rates', async () => {
    const created = await exec(HUB_BIN, ['token', 'create', '--site', 'shop-12'], hubEnv);
    assert.equal(created.code, 0, created.out);
    const enrollToken = /--token (\S+)/.exec(created.out)?.[1] ?? '';
    assert.ok(enrollToken.length > 10, created.out);

    const enrolled = await exec(
      AGENT_BIN,
      ['enroll', '--hub', hubUrl, '--token', enrollToken, '--data', agentDir],
      {},
    );
    assert.equal(enrolled.code, 0, enrolled.out);
    assert.match(enrolled.out, /Enrolled as agent \S+ \(site \d+\)/);
    assert.match(enrolled.out, /outpost-agent run --data/);
    assert.equal(fs.statSync(path.join(agentDir, 'identity.json')).mode & 0o777, 0o600);
    assert.ok(
      !enrolled.out.includes(
        JSON.parse(fs.readFileSync(path.join(agentDir, 'identity.json'), 'utf8')).secret,
      ),
      'the secret is not printed',
    );

    const again = await exec(
      AGENT_BIN,
      ['enroll', '--hub', hubUrl, '--token', enrollToken, '--data', agentDir],
      {},
    );
    assert.equal(again.code, 1);
    assert.match(again.out, /already enrolled as agent/);
    const reused = await exec(
      AGENT_BIN,
      ['enroll', '--hub', hubUrl, '--token', enrollToken, '--data', `${agentDir}-2`],
      {},
    );
    assert.equal(reused.code, 1);
    assert.match(reused.out, /the hub refused the enrollment/);

    agent = start(AGENT_BIN, ['run', '--data', agentDir], agentEnv);
    const sites = await api('GET', '/api/v1/sites');
    const site = (sites.body.items ?? sites.body.sites ?? sites.body).find(
      (s: { name: string }) => s.name === 'shop-12',
    );
    assert.ok(site, JSON.stringify(sites.body));
    const device = await api('POST', '/api/v1/devices', {
      name: 'core-sw',
      ip_address: '127.0.0.1',
      site_id: site.id,
      snmp: { version: '2c', port: snmpd.port, community: snmpd.community, timeout_ms: 1000, retries: 1 },
      poll_interval_s: POLL_S,
    });
    assert.equal(device.status, 201, JSON.stringify(device.body));
    const id = device.body.id as number;
    deviceId = id;

    const online = await until(
      'the device online at the hub',
      async () => {
        const r = await api('GET', `/api/v1/devices/${id}`);
        return r.body?.status === 'online' ? r.body : undefined;
      },
      (POLL_S + 10) * 1000,
    );
    assert.equal(online.sys_name, 'e2e-switch');
    // A rate needs two readings of a counter: the second poll brings it.
    const rates = await until(
      'interface rates at the hub',
      async () => {
        const r = await api('GET', `/api/v1/devices/${id}/metrics?name=if_in_bps`);
        return r.status === 200 && r.body.series.some((s: { points: unknown[] }) => s.points.length > 0)
          ? r.body
          : undefined;
      },
      (2 * POLL_S + 10) * 1000,
    );
    assert.ok(
      rates.series.some(
        (s: { labels: Record<string, string> }) => s.labels.if_name === 'lo' || s.labels.if_index,
      ),
      JSON.stringify(rates.series[0]?.labels),
    );

    const status = await exec(AGENT_BIN, ['status', '--data', agentDir], {});
    assert.equal(status.code, 0, status.out);
    assert.match(status.out, /Service\s+running/);
    assert.match(status.out, /Hub link\s+online/);
    assert.match(status.out, /core-sw .* online e2e-switch/);

    const doctor = await exec(AGENT_BIN, ['doctor', '--data', agentDir], {});
    assert.match(doctor.out, /ok\s+hub/);
    assert.match(doctor.out, /ok\s+broker\s+the running agent/);
    assert.match(doctor.out, /ok\s+snmp\s+device \d+ core-sw .* answers as e2e-switch/);

    assert.equal(await stop(agent), 0, agent.output());
    const logs = agent.output().trim().split('\n');
    for (const line of logs) assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line}`);
    assert.ok(!agent.output().includes(snmpd.community), 'the community never reaches the log');
    const stopped = await exec(AGENT_BIN, ['status', '--data', agentDir], {});
    assert.match(stopped.out, /Service\s+not running \(stopped/);
  });

  it('keeps polling while the hub is away and delivers the backlog once it is back', async () => {
    assert.ok(deviceId > 0, 'needs the device of the previous test');
    const status = async () => {
      const r = await exec(AGENT_BIN, ['status', '--data', agentDir, '--json'], {});
      return JSON.parse(r.out) as {
        link: { state: string } | null;
        outbox: { rows: number; lastSeq: number };
        service: { running: boolean };
      };
    };
    agent = start(AGENT_BIN, ['run', '--data', agentDir], agentEnv);
    await until(
      'the agent online',
      async () => ((await status()).link?.state === 'online' ? true : undefined),
      20_000,
    );

    assert.equal(await stop(hub), 0, 'the hub stops cleanly');
    const down = Date.now();
    await until(
      'a backlog while the hub is away',
      async () => ((await status()).outbox.rows > 0 ? true : undefined),
      20_000,
    );
    await new Promise((r) => setTimeout(r, 2 * POLL_S * 1000));
    const during = await status();
    assert.notEqual(during.link?.state, 'online');
    assert.ok(during.service.running);
    const up = Date.now();
    await startHub();
    await login();

    await until(
      'the backlog to drain',
      async () => ((await status()).outbox.rows === 0 ? true : undefined),
      30_000,
    );
    const after = await status();
    assert.equal(after.link?.state, 'online');
    const agents = await api('GET', '/api/v1/agents');
    const me = agents.body.items[0];
    assert.ok(
      me.ack_up_to >= during.outbox.lastSeq,
      `hub acked ${me.ack_up_to}, agent had numbered ${during.outbox.lastSeq}`,
    );
    assert.equal(me.dropped, 0);
    // Samples polled while the hub was down are at the hub now.
    const from = new Date(down).toISOString();
    const to = new Date(up).toISOString();
    const points = await api(
      'GET',
      `/api/v1/devices/${deviceId}/metrics?name=if_in_bps&from=${from}&to=${to}`,
    );
    assert.equal(points.status, 200, JSON.stringify(points.body));
    const inOutage = points.body.series
      .flatMap((s: { points: { t: number }[] }) => s.points)
      .filter((p: { t: number }) => p.t >= down && p.t <= up);
    assert.ok(inOutage.length > 0, 'no sample from the outage reached the hub');
    // Live data continues after the backlog.
    const since = Date.now();
    await until(
      'live samples after the outage',
      async () => {
        const r = await api(
          'GET',
          `/api/v1/devices/${deviceId}/metrics?name=if_in_bps&from=${new Date(since).toISOString()}`,
        );
        return r.status === 200 && r.body.series.some((s: { points: unknown[] }) => s.points.length > 0)
          ? true
          : undefined;
      },
      (2 * POLL_S + 10) * 1000,
    );
    assert.equal(await stop(agent), 0);
  });
});
