import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { agentUnitNodeFlags } from './support/agent-unit.js';
import { freePort, type Mosquitto, startMosquitto } from './support/mosquitto.js';
import { needPeers } from './support/peers.js';
import { freeUdpPort } from './support/snmpd.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const AGENT_BIN = path.join(ROOT, 'agent/bin/outpost-agent.js');

function cli(args: string[], bin = AGENT_BIN): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OUTPOST_')));
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe('outpost-agent status and doctor on a stopped agent', { skip: needPeers('mosquitto') }, () => {
  let broker: Mosquitto;
  let dir: string;
  before(async () => {
    broker = await startMosquitto();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-cli-'));
    const hubPort = await freePort();
    const snmpPort = await freeUdpPort();
    fs.writeFileSync(
      path.join(dir, 'identity.json'),
      JSON.stringify({
        agent_id: 'agent-cli-test',
        secret: 'cli-secret-never-shown',
        site_id: 4,
        hub_url: `http://127.0.0.1:${hubPort}`,
        mqtt_urls: [broker.url],
        hostname: 'bench',
        enrolled_at: Date.UTC(2026, 10, 1),
      }),
      { mode: 0o600 },
    );
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({
        v: 1,
        version: 9,
        issued_at: Date.UTC(2026, 10, 1),
        site_id: 4,
        devices: [
          {
            id: 5,
            name: 'silent-sw',
            ip_address: '127.0.0.1',
            port: snmpPort,
            snmp: { version: '2c', community: 'community-never-shown' },
            timeout_ms: 300,
            retries: 0,
          },
        ],
        // TCP port 9 (discard) is closed on a test machine: the check is down with the refusal. The refusal is
        // instant; the long timeout only keeps a loaded machine's slow event loop from turning it into a timeout.
        checks: [
          {
            id: 2,
            device_id: 5,
            name: 'web',
            kind: 'tcp',
            timeout_ms: 10_000,
            params: { host: '127.0.0.1', port: 9 },
          },
        ],
      }),
      { mode: 0o600 },
    );
  });
  after(async () => {
    await broker?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('status shows identity, config and that the service never ran, without secrets', async () => {
    const r = await cli(['status', '--data', dir]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /Agent\s+agent-cli-test \(site 4\)/);
    assert.match(r.out, /Service\s+not running \(never started/);
    assert.match(r.out, /Config\s+version 9 \(1 devices, 0 cameras, 1 checks\)/);
    assert.match(r.out, /5\s+silent-sw .* not polled yet/);
    assert.ok(!r.out.includes('cli-secret-never-shown') && !r.out.includes('community-never-shown'));
    const json = await cli(['status', '--data', dir, '--json']);
    assert.equal(JSON.parse(json.out).config_version, 9);
  });

  it('doctor names each problem in plain words and exits non-zero', async () => {
    const r = await cli(['doctor', '--data', dir, '--timeout', '1000']);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /FAIL\s+hub\s+cannot reach the hub at http:\/\/127\.0\.0\.1:\d+\/?: ECONNREFUSED/);
    assert.match(r.out, /ok\s+broker\s+connected to mqtt:\/\/127\.0\.0\.1:\d+ with this agent's credentials/);
    assert.match(r.out, /FAIL\s+snmp\s+device 5 silent-sw \(127\.0\.0\.1:\d+, SNMP v2c\) does not answer/);
    assert.match(r.out, /ok\s+config\s+version 9/);
    assert.match(
      r.out,
      /FAIL\s+checks\s+check 2 web \(tcp 127\.0\.0\.1:9\) is down: connect ECONNREFUSED 127\.0\.0\.1:9/,
    );
    assert.match(r.out, /problem\(s\) found/);
    assert.ok(!r.out.includes('cli-secret-never-shown') && !r.out.includes('community-never-shown'));
  });

  it('doctor says how to enroll when the directory is not enrolled', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-cli-empty-'));
    try {
      const r = await cli(['doctor', '--data', empty]);
      assert.equal(r.code, 1);
      assert.match(
        r.out,
        /FAIL\s+identity\s+this agent is not enrolled .* outpost-agent enroll --hub URL --token TOKEN/,
      );
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('every command has --help', async () => {
    for (const cmd of ['enroll', 'run', 'status', 'doctor']) {
      const r = await cli([cmd, '--help']);
      assert.equal(r.code, 0, `${cmd} --help`);
      assert.match(r.out, new RegExp(`Usage: outpost-agent ${cmd}`));
    }
  });

  it('runs the same from the bundle that deploy/build.mjs makes for installs', async () => {
    // Inside the checkout: the bundle loads its native and external dependencies from node_modules.
    const out = path.join(ROOT, 'agent/dist', `test-${process.pid}`);
    const bundle = path.join(out, 'outpost-agent.mjs');
    try {
      const built = spawnSync(
        process.execPath,
        [path.join(ROOT, 'agent/deploy/build.mjs'), '--outdir', out],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(built.status, 0, built.stderr);
      const version = await cli(['--version'], bundle);
      assert.equal(
        version.out.trim(),
        JSON.parse(fs.readFileSync(path.join(ROOT, 'agent/package.json'), 'utf8')).version,
      );
      // The systemd unit's command line, flags included, runs this bundle.
      const flags = agentUnitNodeFlags();
      assert.ok(flags.length > 0, 'node flags in ExecStart');
      const asInstalled = spawnSync(process.execPath, [...flags, bundle, '--version'], { encoding: 'utf8' });
      assert.equal(asInstalled.status, 0, asInstalled.stderr);
      assert.equal(asInstalled.stdout.trim(), version.out.trim());
      const status = await cli(['status', '--data', dir, '--json'], bundle);
      assert.equal(JSON.parse(status.out).config_version, 9);
      const doctor = await cli(['doctor', '--data', dir, '--timeout', '1000'], bundle);
      assert.equal(doctor.code, 1);
      assert.match(doctor.out, /FAIL\s+snmp\s+device 5 silent-sw .* does not answer/);
      assert.match(doctor.out, /ok\s+broker/);
      // The camera code is a chunk of its own, loaded with the first camera, not by the command.
      const chunks = fs.readdirSync(path.join(out, 'chunks'));
      const camera = chunks.find((f) => f.startsWith('camera-'));
      assert.ok(camera, `a camera chunk in ${chunks.join(', ')}`);
      assert.doesNotMatch(fs.readFileSync(bundle, 'utf8'), /from "ws"|sdp-transform|ffprobe/);
      assert.match(fs.readFileSync(path.join(out, 'chunks', camera), 'utf8'), /from "ws"/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
