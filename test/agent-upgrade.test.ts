import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tar from 'tar';
import { newReleaseKey, signBundle } from '../hub/src/rollouts/signing.js';
import { agentUnitNodeFlags } from './support/agent-unit.js';
import { startTestHub, type TestHub } from './support/link.js';
import { needPeers } from './support/peers.js';
import { type RunningSnmpd, startSnmpd } from './support/snmpd.js';
import { until } from './support/wait.js';

// A real agent process, installed as the bundle build.mjs makes, under a stand-in for systemd (Restart=on-failure,
// RestartForceExitStatus=75), upgraded from a hub over HTTPS with releases built and signed as a release
// manager does; then a broken release rolled back by the agent itself with nothing lost from its outbox.

const ROOT = path.resolve(import.meta.dirname, '..');
const BUILD = path.join(ROOT, 'agent/deploy/build.mjs');
const POLL_S = 5;
const CONFIRM_S = 10;

/** `openssl` makes a self-signed certificate for 127.0.0.1; the agent trusts it through NODE_EXTRA_CA_CERTS. */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
    ],
    { stdio: 'ignore' },
  );
  assert.equal(made.status, 0, 'openssl req');
  return { cert, key };
}

function run(
  entry: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

function build(args: string[]): void {
  const r = spawnSync(process.execPath, [BUILD, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

/**
 * The agent service as systemd runs it: the unit's node flags and command line; started again 300 ms after
 * it exits with a failure or with 75, left stopped after a clean exit.
 */
class Supervisor {
  readonly exits: (number | null)[] = [];
  output = '';
  #child: ChildProcess | null = null;
  #stopped = false;

  constructor(
    private readonly entry: string,
    private readonly dataDir: string,
    private readonly env: Record<string, string>,
  ) {}

  start(): void {
    const child = spawn(
      process.execPath,
      [...agentUnitNodeFlags(), this.entry, 'run', '--data', this.dataDir],
      {
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#child = child;
    child.stdout?.on('data', (d: Buffer) => {
      this.output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.output += d.toString();
    });
    child.once('exit', (code) => {
      this.exits.push(code);
      this.#child = null;
      if (!this.#stopped && code !== 0) setTimeout(() => this.start(), 300);
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const child = this.#child;
    if (!child) return;
    const done = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await done;
  }
}

describe('fleet upgrade of a real agent process', {
  skip: needPeers('snmpd', 'openssl'),
  timeout: 300_000,
}, () => {
  let tmp: string;
  let baseDir: string;
  let dataDir: string;
  let snmpd: RunningSnmpd;
  let t: TestHub;
  let agent: Supervisor;
  let agentId = '';
  let siteId = 0;
  let deviceId = 0;
  let env: Record<string, string>;
  const base = JSON.parse(fs.readFileSync(path.join(ROOT, 'agent/package.json'), 'utf8')).version as string;
  const good = '99.0.1';
  const bad = '99.0.2';

  // biome-ignore lint/suspicious/noExplicitAny: API bodies of many shapes, checked by the assertions
  const api = async (method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await t.hub.app.request(url, {
      method,
      headers: {
        authorization: `Bearer ${t.adminToken}`,
        ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: body instanceof FormData ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const agentRow = async () => (await api('GET', `/api/v1/agents/${agentId}`)).body;
  const rollout = async (id: number) => (await api('GET', `/api/v1/rollouts/${id}`)).body;
  const launcherState = () =>
    JSON.parse(fs.readFileSync(path.join(dataDir, 'versions', 'state.json'), 'utf8'));

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-upgrade-'));
    dataDir = path.join(tmp, 'agent-data');
    // The installed bundle: inside the checkout, where its external packages resolve (as in /opt/outpost).
    baseDir = path.join(ROOT, 'agent/dist', `test-upgrade-${process.pid}`);
    build(['--outdir', baseDir]);
    const { privatePem, publicKey } = newReleaseKey();
    const key = createPrivateKey(privatePem);
    // A good release, and a broken one: it runs and polls, but its MQTT connections go to a closed port.
    const releases: Record<string, string> = {};
    for (const version of [good, bad]) {
      const file = path.join(tmp, `outpost-agent-${version}.tgz`);
      build(['--release', file, '--set-version', version]);
      releases[version] = file;
    }
    const unpacked = path.join(tmp, 'unpacked');
    fs.mkdirSync(unpacked);
    await tar.x({ file: releases[bad] as string, cwd: unpacked });
    const entry = path.join(unpacked, 'agent.mjs');
    const [shebang, ...rest] = fs.readFileSync(entry, 'utf8').split('\n');
    fs.writeFileSync(
      entry,
      [
        shebang,
        "import __net from 'node:net';",
        "import __tls from 'node:tls';",
        // MQTT over TCP goes through net.connect, over TLS and WebSocket-over-TLS through tls.connect.
        "if (process.argv.includes('run')) for (const m of [__net, __tls]) { const c = m.connect; m.connect = (o, ...a) => c(typeof o === 'object' ? { ...o, port: 9 } : 9, ...a); }",
        ...rest,
      ].join('\n'),
    );
    fs.rmSync(releases[bad] as string);
    await tar.c({ gzip: true, file: releases[bad] as string, cwd: unpacked, portable: true }, ['.']);

    const tls = selfSigned(tmp);
    snmpd = await startSnmpd({ sysName: 'upgrade-switch' });
    t = await startTestHub({
      releasePublicKey: publicKey,
      httpTlsCert: tls.cert,
      httpTlsKey: tls.key,
      agentHeartbeatS: 5,
    });
    assert.match(t.hub.url, /^https:\/\//);
    for (const version of [good, bad]) {
      const file = releases[version] as string;
      const signed = await signBundle(file, key, Date.now());
      const form = new FormData();
      form.set('bundle', new Blob([fs.readFileSync(file)]), path.basename(file));
      form.set('signature', new Blob([JSON.stringify(signed)]), `${path.basename(file)}.sig`);
      const up = await api('POST', '/api/v1/agent-releases', form);
      assert.equal(up.status, 201, JSON.stringify(up.body));
      assert.equal(up.body.version, version);
    }
    siteId = await t.site('shop-upgrade');
    const dev = await api('POST', '/api/v1/devices', {
      name: 'core-sw',
      ip_address: '127.0.0.1',
      site_id: siteId,
      poll_interval_s: POLL_S,
      snmp: { version: '2c', port: snmpd.port, community: snmpd.community, timeout_ms: 1000, retries: 0 },
    });
    assert.equal(dev.status, 201, JSON.stringify(dev.body));
    deviceId = dev.body.id;

    env = {
      ...(Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith('OUTPOST_')),
      ) as Record<string, string>),
      NODE_EXTRA_CA_CERTS: tls.cert,
      OUTPOST_RECONNECT_MIN_MS: '200',
      OUTPOST_RECONNECT_MAX_MS: '1000',
      OUTPOST_STATE_INTERVAL_MS: '500',
      OUTPOST_ACK_TIMEOUT_MS: '3000',
    };
    const launcher = path.join(baseDir, 'outpost-agent.mjs');
    // Not spawnSync: the hub answering it runs in this process.
    const enrolled = await run(
      launcher,
      ['enroll', '--hub', t.hub.url, '--token', await t.token(siteId), '--data', dataDir],
      env,
    );
    assert.equal(enrolled.status, 0, enrolled.stderr);
    assert.match(enrolled.stdout, /Release key [0-9a-f]{16} pinned/);
    agentId = /Enrolled as agent (\S+)/.exec(enrolled.stdout)?.[1] ?? '';
    agent = new Supervisor(launcher, dataDir, env);
    agent.start();
  });

  after(async () => {
    await agent?.stop();
    await t?.close();
    await snmpd?.stop();
    fs.rmSync(baseDir, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('upgrades it from the hub over HTTPS, one site first, then every agent', async () => {
    await until(async () => (await agentRow())?.status === 'online', 30_000, 'the agent online');
    assert.equal((await agentRow()).version, base);
    const started = await api('POST', '/api/v1/rollouts', {
      version: good,
      site_id: siteId,
      confirm_s: CONFIRM_S,
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const id = started.body.id as number;
    await until(
      async () => (await rollout(id)).agents.upgraded === 1,
      90_000,
      `the agent upgraded to ${good}\n${agent.output.slice(-3000)}`,
    );
    const row = await agentRow();
    assert.equal(row.version, good);
    assert.equal(row.status, 'online');
    assert.deepEqual(agent.exits, [75], 'one restart, asked for by the agent after installing');
    await until(() => launcherState().trial === null, 20_000, 'the new version confirmed');
    assert.deepEqual(launcherState().active, { version: good, dir: good });
    assert.deepEqual(launcherState().previous, { version: base, dir: null });
    // The next stage: every agent (here, the same one: nothing more to do), and the rollout completes.
    const all = await api('POST', `/api/v1/rollouts/${id}/expand`, { percent: 100 });
    assert.equal(all.status, 200, JSON.stringify(all.body));
    await until(async () => (await rollout(id)).state === 'completed', 20_000, 'the rollout completed');
    const versions = await api('GET', '/api/v1/agent-versions');
    assert.deepEqual(versions.body.versions, [{ version: good, agents: 1, online: 1 }]);
    // The agent told the hub each step, in its batches.
    await until(
      async () => {
        const events = (await api('GET', `/api/v1/agents/${agentId}/events`)).body.items as {
          type: string;
          data?: { phase?: string };
        }[];
        const phases = events.filter((e) => e.type === 'upgrade_state').map((e) => e.data?.phase);
        return phases.includes('installed') && phases.includes('confirmed');
      },
      20_000,
      'installed and confirmed events at the hub',
    );
  });

  it('rolls a broken release back by itself, with nothing lost from the outbox', async () => {
    const started = await api('POST', '/api/v1/rollouts', {
      version: bad,
      percent: 100,
      confirm_s: CONFIRM_S,
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const id = started.body.id as number;
    const before = Date.now();
    await until(() => agent.exits.length >= 2, 60_000, 'the restart into the broken release');
    const installedAt = Date.now();
    await until(
      async () => (await rollout(id)).state === 'paused',
      90_000,
      `the rollout paused; exits ${JSON.stringify(agent.exits)}\n${agent.output.slice(-3000)}`,
    );
    // The rollback was reported after everything the broken version had put in the outbox.
    const pausedAt = Date.now();
    const r = await rollout(id);
    assert.equal(r.agents.rolled_back, 1, JSON.stringify(r));
    assert.match(
      r.agent_list[0].detail,
      new RegExp(`${bad.replaceAll('.', '\\.')} did not reach the hub within ${CONFIRM_S} s`),
    );
    assert.match(r.note, /rolled back/);
    assert.deepEqual(
      agent.exits,
      [75, 75, 75],
      'installed, then rolled back by the launcher, each a restart',
    );
    await until(
      async () => (await agentRow())?.version === good && (await agentRow()).status === 'online',
      30_000,
      'back on the good version',
    );
    assert.equal(launcherState().active.version, good);
    // What the broken version polled while it could not reach the hub was in the outbox, and the version it
    // rolled back to delivered it: the device's samples cover that time at every poll, none was dropped.
    await until(async () => (await agentRow()).backlog === 0, 30_000, 'the backlog delivered');
    const row = await agentRow();
    assert.equal(row.dropped, 0);
    const points = (
      await api(
        'GET',
        `/api/v1/devices/${deviceId}/metrics?name=sys_uptime&from=${Math.floor(before / 1000)}&to=${Math.ceil(pausedAt / 1000)}`,
      )
    ).body.points as { t: number }[];
    const during = points.filter((p) => p.t >= installedAt && p.t <= pausedAt);
    assert.ok(
      during.length >= 1,
      `samples polled by the broken version reached the hub: ${JSON.stringify({ before, installedAt, pausedAt, points })}`,
    );
    for (let i = 1; i < points.length; i++) {
      const gap = (points[i]?.t ?? 0) - (points[i - 1]?.t ?? 0);
      assert.ok(gap <= POLL_S * 1000 * 2.5, `no poll missing: ${gap} ms between two samples`);
    }
    const lost = (await t.hub.ctx.store.ledger.gaps(agentId)).filter((g) => g.lost_at !== null);
    assert.equal(lost.length, 0, 'no batch declared lost');
  });
});
