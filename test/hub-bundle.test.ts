import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type HubProcess, spawnHubProcess } from './support/hub-process.js';
import { HUB_LOW_PORTS_DROPIN, HUB_UNIT, hubUnitCommand, unitDirectives } from './support/hub-unit.js';
import { needPeers } from './support/peers.js';

const ROOT = join(import.meta.dirname, '..');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'hub/package.json'), 'utf8')).version as string;
const VENDOR = ['preact.js', 'hooks.js', 'htm.js', 'uplot.js', 'uplot.css'];
/** Lets the health checks see the hub's details (anonymous callers get only the status). */
const METRICS_TOKEN = 'bundle-test-metrics-token-0123';
const DOCS = [
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
];

// The bundle is built outside the checkout, so that nothing it needs can come from the sources or from the
// checkout's node_modules: only what deploy/build.mjs put in the folder.
const work = mkdtempSync(join(tmpdir(), 'outpost-hub-bundle-'));
const install = join(work, 'opt-outpost-hub');
const data = join(work, 'var-lib-outpost-hub');

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [join(install, 'outpost-hub.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
}

describe('hub bundle, as installed by hub/README.md', () => {
  let hub: HubProcess | undefined;

  before(() => {
    const built = spawnSync(
      process.execPath,
      [join(ROOT, 'hub/deploy/build.mjs'), '--outdir', install, '--node-modules'],
      { encoding: 'utf8' },
    );
    assert.equal(built.status, 0, built.stderr);
  });

  after(() => {
    hub?.proc.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('is one folder: the command, its assets and better-sqlite3, without sources', () => {
    assert.deepEqual(readdirSync(join(install, 'node_modules')).sort(), [
      'better-sqlite3',
      'bindings',
      'file-uri-to-path',
    ]);
    const manifest = JSON.parse(readFileSync(join(install, 'package.json'), 'utf8'));
    assert.deepEqual(Object.keys(manifest.dependencies), ['better-sqlite3']);
    assert.equal(manifest.version, VERSION);
    assert.ok(!existsSync(join(install, 'src')), 'no TypeScript sources');
    // Only the compiled addon of better-sqlite3, not its C sources or object files.
    assert.ok(!existsSync(join(install, 'node_modules/better-sqlite3/deps')));
    assert.ok(existsSync(join(install, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')));
    assert.equal(cli(['--version']).stdout.trim(), VERSION);
  });

  it('runs with the systemd unit’s command line and serves health, the dashboard and the API docs', async () => {
    const unit = hubUnitCommand(install, data, process.execPath);
    // What /etc/outpost-hub/hub.env would add: free ports on loopback for the test.
    unit.env = {
      ...unit.env,
      OUTPOST_HTTP_PORT: '0',
      OUTPOST_MQTT_PORT: '0',
      OUTPOST_HOST: '127.0.0.1',
      OUTPOST_METRICS_TOKEN: METRICS_TOKEN,
    };
    hub = await spawnHubProcess(data, { command: unit, timeoutMs: 30_000 });

    // Anonymous callers learn only the status; the details need a token (here the metrics token).
    assert.deepEqual(await (await fetch(`${hub.url}/api/v1/health`)).json(), { status: 'ok' });
    const health = await fetch(`${hub.url}/api/v1/health`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    assert.equal(health.status, 200);
    const body = (await health.json()) as {
      status: string;
      version: string;
      checks: Record<string, unknown>;
    };
    assert.equal(body.status, 'ok');
    assert.equal(body.version, VERSION);
    assert.ok(body.checks.broker, 'the broker reports to health');

    const page = await fetch(`${hub.url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script type="module" src="\/ui\/main\.js"><\/script>/);
    for (const path of ['/ui/main.js', '/ui/style.css', '/ui/pages/alerts.js']) {
      assert.equal((await fetch(`${hub.url}${path}`)).status, 200, path);
    }
    for (const name of VENDOR) {
      const res = await fetch(`${hub.url}/ui/lib/${name}`);
      assert.equal(res.status, 200, name);
      assert.ok((await res.text()).length > 1000, `${name} has content`);
    }
    const docs = await fetch(`${hub.url}/api/docs`);
    assert.equal(docs.status, 200);
    for (const name of DOCS) assert.equal((await fetch(`${hub.url}/api/docs/${name}`)).status, 200, name);
    const openapi = (await (await fetch(`${hub.url}/api/openapi.json`)).json()) as {
      info: { version: string };
    };
    assert.equal(openapi.info.version, VERSION);

    // First start as a service: the admin password is in the data directory, readable by the service only.
    const passwordFile = join(data, 'initial-admin-password');
    assert.equal(statSync(passwordFile).mode & 0o777, 0o600);
    const login = await fetch(`${hub.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: readFileSync(passwordFile, 'utf8').trim() }),
    });
    assert.equal(login.status, 200);
    // The password policy's list of common passwords is read from the bundle's assets.
    const { access_token } = (await login.json()) as { access_token: string };
    const weak = await fetch(`${hub.url}/api/v1/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${access_token}` },
      body: JSON.stringify({ username: 'dana', role: 'viewer', password: 'password1234' }),
    });
    assert.equal(weak.status, 422);
    assert.match(await weak.text(), /common/i);

    // The container health check's command, against this hub, then against no hub.
    const port = new URL(hub.url).port;
    const ok = cli(['health'], {
      OUTPOST_HTTP_PORT: port,
      OUTPOST_HOST: '127.0.0.1',
      OUTPOST_METRICS_TOKEN: METRICS_TOKEN,
    });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(
      ok.stdout,
      new RegExp(`^ok: hub ${VERSION.replaceAll('.', '\\.')} at http://127\\.0\\.0\\.1:${port}/`),
    );

    const exited = new Promise<number | null>((resolve) => hub?.proc.once('exit', (code) => resolve(code)));
    hub.proc.kill('SIGTERM');
    assert.equal(await exited, 0, 'SIGTERM stops the hub cleanly (systemd stop)');
    hub = undefined;
    const down = cli(['health'], { OUTPOST_HTTP_PORT: port, OUTPOST_HOST: '127.0.0.1' });
    assert.equal(down.status, 1);
    assert.match(down.stdout, /^unhealthy: .*ECONNREFUSED/);
  });
});

describe('hub systemd unit', () => {
  const directives = unitDirectives(readFileSync(HUB_UNIT, 'utf8'));
  const value = (key: string) => directives.filter((d) => d.key === key).map((d) => d.value);

  it('runs as its own user with its data in /var/lib/outpost-hub and restarts on failure', () => {
    assert.deepEqual(value('User'), ['outpost-hub']);
    assert.deepEqual(value('StateDirectory'), ['outpost-hub']);
    assert.deepEqual(value('ReadWritePaths'), ['/var/lib/outpost-hub']);
    assert.deepEqual(value('Restart'), ['on-failure']);
    // No capability unless the low-ports drop-in is installed, and that one grants a single capability.
    assert.deepEqual(value('CapabilityBoundingSet'), ['']);
    assert.deepEqual(value('AmbientCapabilities'), ['']);
    const dropin = unitDirectives(readFileSync(HUB_LOW_PORTS_DROPIN, 'utf8'));
    assert.deepEqual(
      dropin.map((d) => `${d.key}=${d.value}`),
      ['CapabilityBoundingSet=CAP_NET_BIND_SERVICE', 'AmbientCapabilities=CAP_NET_BIND_SERVICE'],
    );
  });

  it('passes systemd-analyze verify and rates as a low exposure', {
    skip: needPeers('systemd-analyze'),
  }, () => {
    const verify = spawnSync('systemd-analyze', ['verify', HUB_UNIT], { encoding: 'utf8' });
    assert.equal(verify.status, 0, verify.stderr);
    assert.equal(verify.stderr.trim(), '', 'no warnings');
    const security = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', HUB_UNIT], {
      encoding: 'utf8',
    });
    assert.equal(security.status, 0, security.stderr);
    const level = /Overall exposure level for outpost-hub\.service: ([\d.]+) (\w+)/.exec(security.stdout);
    assert.ok(level, security.stdout.slice(-400));
    // systemd's scale: 0 to 10; "OK" is below 2. The agent's unit rates 1.7.
    assert.ok(Number(level[1]) < 2, `exposure ${level[1]} ${level[2]}`);
  });
});
