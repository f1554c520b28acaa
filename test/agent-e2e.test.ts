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
  const hubDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-hub-'));
  const agentDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-agent-')), 'data');
  const agentEnv = {
    OUTPOST_RECONNECT_MIN_MS: '200',
    OUTPOST_RECONNECT_MAX_MS: '2000',
    OUTPOST_STATE_INTERVAL_MS: '500',
  };

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
    hub = start(HUB_BIN, ['serve'], hubEnv);
    await until(
      'the hub to answer',
      async () => {
        if (hub.child.exitCode !== null) throw new Error(`the hub exited: ${hub.output()}`);
        return (await fetch(`${hubUrl}/api/v1/health`)).ok ? true : undefined;
      },
      30_000,
    );
    const login = await fetch(`${hubUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    assert.equal(login.status, 200);
    token = ((await login.json()) as { access_token: string }).access_token;
  });

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
});
