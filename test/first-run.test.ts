import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { until as waitUntil } from './support/wait.js';

// Browser and process checks are slower than in-process ones: poll every 100 ms.
const until = <T>(check: () => T | Promise<T>, timeoutMs: number, what: string) =>
  waitUntil(check, timeoutMs, what, 100);

const ROOT = path.resolve(import.meta.dirname, '..');

interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * The command of the root package.json script `script` (`node --import tsx demo/start.ts`), run without npm in
 * between (npm re-raises the signal, hiding the exit code) in its own process group, with a temp data dir and
 * ephemeral ports.
 */
function npm(script: string, dataDir: string, extraEnv: Record<string, string> = {}): Started {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [cmd, ...args] = (pkg.scripts[script] ?? '').split(' ');
  assert.equal(cmd, 'node', `package.json script ${script} runs node`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OUTPOST_')) delete env[k];
  Object.assign(env, {
    OUTPOST_DATA_DIR: dataDir,
    OUTPOST_HTTP_PORT: '0',
    OUTPOST_MQTT_PORT: '0',
    OUTPOST_HOST: '127.0.0.1',
    ...extraEnv,
  });
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** SIGTERM to the whole process group (npm, node, the agent); SIGKILL if it has not exited after `graceMs`. */
async function stop(s: Started, graceMs = 20_000): Promise<number | null> {
  if (s.child.exitCode !== null || s.child.pid === undefined) return s.child.exitCode;
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-s.child.pid!, signal);
    } catch {
      // gone
    }
  };
  kill('SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), graceMs);
  const code = await s.exited;
  clearTimeout(timer);
  kill('SIGKILL'); // anything left in the group
  return code;
}

async function login(url: string, password: string): Promise<string> {
  const res = await fetch(`${url}api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { access_token: string }).access_token;
}

async function get<T>(url: string, token: string, p: string): Promise<T> {
  const res = await fetch(`${url}api/v1${p}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200, `${p}: ${res.status}`);
  return (await res.json()) as T;
}

/** A TCP port free right now (the restart test needs the same ports twice: the agent stored the broker URL). */
async function freePort(): Promise<number> {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const urlOf = (out: string) => /open (http:\/\/\S+\/)/.exec(out)?.[1];

describe('first run: npm start and npm run demo', { timeout: 180_000 }, () => {
  const dirs: string[] = [];
  const running: Started[] = [];
  const tempDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-first-run-'));
    dirs.push(d);
    return d;
  };
  after(async () => {
    await Promise.all(running.map((s) => stop(s, 5_000)));
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('npm start serves the dashboard, prints the admin password once, enrolls a local agent and restarts on the same data', async () => {
    const dir = tempDir();
    const ports = {
      OUTPOST_HTTP_PORT: String(await freePort()),
      OUTPOST_MQTT_PORT: String(await freePort()),
    };
    const first = npm('start', dir, ports);
    running.push(first);
    const url = await until(() => urlOf(first.output()), 60_000, `the dashboard URL in:\n${first.output()}`);
    const password = await until(
      () => /password:\s+(\S+)/.exec(first.output())?.[1],
      5_000,
      'the admin password',
    );
    assert.equal(password, fs.readFileSync(path.join(dir, 'initial-admin-password'), 'utf8').trim());
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script type="module" src="\/ui\/main.js">/);
    const token = await login(url, password);
    const site = os.hostname();
    const sites = await get<{ sites: { id: number; name: string }[] }>(url, token, '/sites');
    assert.deepEqual(
      sites.sites.map((s) => s.name),
      [site],
    );
    const online = await until(
      async () =>
        (await get<{ items: { id: string; status: string }[] }>(url, token, '/agents')).items.find(
          (a) => a.status === 'online',
        ),
      30_000,
      'the local agent online',
    );
    assert.equal(await stop(first), 0, first.output());

    const second = npm('start', dir, ports);
    running.push(second);
    const url2 = await until(
      () => urlOf(second.output()),
      60_000,
      `the dashboard URL in:\n${second.output()}`,
    );
    assert.doesNotMatch(second.output(), /password:\s+\S/, 'the password is printed on the first start only');
    const token2 = await login(url2, password);
    const again = await until(
      async () => (await get<{ items: { id: string; status: string }[] }>(url2, token2, '/agents')).items,
      5_000,
      'agents',
    );
    assert.deepEqual(
      again.map((a) => a.id),
      [online.id],
      'the second start reuses the enrollment',
    );
    await until(
      async () =>
        (await get<{ items: { status: string }[] }>(url2, token2, '/agents')).items[0]?.status === 'online',
      30_000,
      'the agent online again',
    );
    assert.equal((await get<{ sites: unknown[] }>(url2, token2, '/sites')).sites.length, 1);
    assert.equal(await stop(second), 0, second.output());
  });

  it('npm start refuses a taken port with one line naming the setting to change', async () => {
    const dir = tempDir();
    const net = await import('node:net');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as { port: number }).port;
    try {
      const s = npm('start', dir, { OUTPOST_HTTP_PORT: String(port) });
      running.push(s);
      assert.equal(await s.exited, 1);
      assert.match(
        s.output(),
        new RegExp(`HTTP port ${port} is already in use; choose another with OUTPOST_HTTP_PORT`),
      );
    } finally {
      server.close();
    }
  });

  it('npm run demo brings the simulated devices online, and the recorder page through its HTTP check', async () => {
    const dir = tempDir();
    const demo = npm('demo', dir, { OUTPOST_DEMO_POLL_S: '5', OUTPOST_DEMO_FLAP_S: '600' });
    running.push(demo);
    const url = await until(() => urlOf(demo.output()), 60_000, `the dashboard URL in:\n${demo.output()}`);
    const password = await until(
      () => /password:\s+(\S+)/.exec(demo.output())?.[1],
      5_000,
      'the admin password',
    );
    const token = await login(url, password);
    // demo-nvr has no SNMP: it is online once its HTTP check finds the page.
    const want = ['demo-ap-floor1', 'demo-core-sw', 'demo-nvr', 'demo-printer', 'demo-router', 'demo-ups'];
    await until(
      async () => {
        const list = await get<{ devices: { name: string; status: string }[] }>(
          url,
          token,
          '/devices?per_page=100',
        );
        const online = new Set(list.devices.filter((d) => d.status === 'online').map((d) => d.name));
        return want.every((n) => online.has(n)) || undefined;
      },
      60_000,
      'the simulated devices and the recorder online',
    );
    const { checks } = await get<{ checks: { name: string; kind: string; status: string }[] }>(
      url,
      token,
      '/checks?kind=http',
    );
    assert.deepEqual(
      checks.map((c) => [c.name, c.status]),
      [['web page', 'up']],
    );
    assert.match(demo.output(), /goes down every 600 s/);
    assert.match(demo.output(), /the switch sends linkDown\/linkUp traps to the agent on udp\/\d+/);
    assert.equal(await stop(demo), 0, demo.output());
  });
});
