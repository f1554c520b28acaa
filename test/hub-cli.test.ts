import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const BIN = fileURLToPath(new URL('../hub/bin/outpost-hub.js', import.meta.url));
const COMMUNITY = 'Cli-Community-S3cret';
const children = new Set<ChildProcess>();
const dirs: string[] = [];

after(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'outpost-hub-cli-'));
  dirs.push(d);
  return d;
}

interface Hub {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
}

/** Starts `outpost-hub serve` and waits for its "hub listening" log line (or its exit). */
function serve(args: string[], env: Record<string, string> = {}): Promise<Hub> {
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--mqtt-port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start in 30 s:\n${out}\n${err}`)), 30_000);
    const onData = () => {
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const rec = JSON.parse(line) as { msg?: string; url?: string };
        if (rec.msg === 'hub listening' && rec.url) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          resolve({ child, url: rec.url, stdout: () => out, stderr: () => err });
          return;
        }
      }
    };
    child.stdout?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`hub exited with ${code}`), { code, stdout: out, stderr: err }));
    });
  });
}

async function stop(hub: Hub): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => hub.child.once('exit', (code) => resolve(code)));
  hub.child.kill('SIGTERM');
  const code = await exited;
  children.delete(hub.child);
  return code;
}

async function api(hub: Hub, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${hub.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are walked freely in assertions
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, any> };
}

/** Runs a short CLI command with `input` on stdin; resolves with its exit code and output. */
function run(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('outpost-hub user and backup', () => {
  it('adds, lists and re-passwords users, refuses weak passwords, and backs the store up', async () => {
    const data = tempDir();
    const add = await run(
      ['user', 'add', 'dana', '--role', 'operator', '--email', 'dana@example.org', '--data', data],
      'Night-shift-operator-5\n',
    );
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /added user dana \(id 1, role operator\)/);
    const weak = await run(['user', 'add', 'eve', '--role', 'viewer', '--data', data], 'password\n');
    assert.equal(weak.code, 1);
    assert.match(weak.stderr, /password must be at least 12 characters/);
    const badRole = await run(
      ['user', 'add', 'eve', '--role', 'root', '--data', data],
      'Long-enough-phrase-1\n',
    );
    assert.notEqual(badRole.code, 0);
    const list = await run(['user', 'list', '--json', '--data', data]);
    assert.deepEqual(JSON.parse(list.stdout), [
      { id: 1, username: 'dana', email: 'dana@example.org', role: 'operator', disabled: false },
    ]);
    assert.equal((await run(['user', 'passwd', 'dana', '--data', data], 'Another-long-phrase-6\n')).code, 0);
    assert.equal(
      (await run(['user', 'passwd', 'nobody', '--data', data], 'Another-long-phrase-6\n')).code,
      1,
    );
    const file = join(data, 'copy.db');
    // A usual umask (022), whatever the runner's own (the command inherits it): without care the copy is 0644.
    const umask = process.umask(0o022);
    const backup = await run(['backup', file, '--data', data]).finally(() => process.umask(umask));
    assert.equal(backup.code, 0, backup.stderr);
    const copy = new Database(file, { readonly: true });
    assert.deepEqual(copy.prepare('SELECT username, role FROM users').all(), [
      { username: 'dana', role: 'operator' },
    ]);
    copy.close();
    // The copy holds password hashes and encrypted secrets: readable by its owner only, whatever the umask.
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(
      (await run(['backup', file, '--data', data])).code,
      1,
      'an existing file is not overwritten',
    );
    chmodSync(file, 0o644);
    assert.equal((await run(['backup', file, '--force', '--data', data])).code, 0);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'an overwritten copy is made private too');
  });
});

describe('outpost-hub serve', () => {
  it('creates the first admin once, keeps everything across a restart, and stops cleanly on SIGTERM', async () => {
    const data = tempDir();
    const first = await serve(['--data', data, '--http-port', '0']);
    const printed = /created user "admin" with password:\s+(\S+)/.exec(first.stdout())?.[1];
    assert.ok(printed, first.stdout());
    const file = join(data, 'initial-admin-password');
    assert.equal(readFileSync(file, 'utf8').trim(), printed);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(data, 'secret.key')).mode & 0o777, 0o600);
    assert.equal(statSync(join(data, 'hub.db')).mode & 0o777, 0o600);

    const login = await api(first, 'POST', '/api/v1/auth/login', undefined, {
      username: 'admin',
      password: printed,
    });
    assert.equal(login.status, 200);
    const token = login.json.access_token as string;
    assert.equal((await api(first, 'POST', '/api/v1/sites', token, { name: 'Clinic' })).status, 201);
    const dev = await api(first, 'POST', '/api/v1/devices', token, {
      name: 'sw',
      ip_address: '198.51.100.7',
      site_id: 1,
      snmp: { version: '2c', community: COMMUNITY },
    });
    assert.equal(dev.status, 201);
    assert.equal((await api(first, 'GET', '/api/v1/devices', undefined)).status, 401);
    assert.equal(await stop(first), 0);
    // Once the admin picks a password (here with the CLI), the initial password file goes away.
    const passwd = spawn(process.execPath, [BIN, 'user', 'passwd', 'admin', '--data', data], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    passwd.stdin.end('Chosen-harbour-phrase-7\n');
    assert.equal(await new Promise((resolve) => passwd.on('exit', resolve)), 0);
    assert.equal(existsSync(file), false);

    const second = await serve(['--data', data, '--http-port', '0']);
    assert.doesNotMatch(second.stdout(), /created user "admin"/);
    const again = await api(second, 'POST', '/api/v1/auth/login', undefined, {
      username: 'admin',
      password: 'Chosen-harbour-phrase-7',
    });
    assert.equal(again.status, 200);
    const list = await api(second, 'GET', '/api/v1/devices', again.json.access_token);
    assert.equal(list.json.pagination.total, 1);
    assert.equal(list.json.devices[0].name, 'sw');
    assert.equal(list.json.devices[0].snmp.has_community, true);
    const sites = await api(second, 'GET', '/api/v1/sites', again.json.access_token);
    assert.equal(sites.json.sites[0].name, 'Clinic');
    assert.equal(await stop(second), 0);
    for (const output of [first.stdout(), first.stderr(), second.stdout(), second.stderr()]) {
      assert.ok(!output.includes(COMMUNITY), 'the community reached the output');
    }
  });

  it('exits with one clear line naming the port and the flag when the port is taken', async () => {
    const running = await serve(['--data', tempDir(), '--http-port', '0']);
    const port = new URL(running.url).port;
    const err = await serve(['--data', tempDir(), '--http-port', port]).then(
      () => assert.fail('a second hub started on a taken port'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(err.code, 1);
    const lines = err.stderr.trim().split('\n');
    assert.equal(lines.length, 1, err.stderr);
    assert.match(lines[0] ?? '', new RegExp(`port ${port}.*--http-port.*OUTPOST_HTTP_PORT`));
    await stop(running);
  });

  it('takes the first admin password from OUTPOST_ADMIN_PASSWORD and writes no password file', async () => {
    const data = tempDir();
    const hub = await serve(['--data', data, '--http-port', '0'], {
      OUTPOST_ADMIN_PASSWORD: 'Env-given-passphrase-31',
    });
    assert.equal(existsSync(join(data, 'initial-admin-password')), false);
    assert.doesNotMatch(hub.stdout(), /Env-given-passphrase-31/);
    const login = await api(hub, 'POST', '/api/v1/auth/login', undefined, {
      username: 'admin',
      password: 'Env-given-passphrase-31',
    });
    assert.equal(login.status, 200);
    await stop(hub);
  });

  it('prints the settings it would run with, secrets as <secret>, and starts nothing', async () => {
    const data = join(tempDir(), 'not-created');
    const r = await run([
      'serve',
      '--print-config',
      '--data',
      data,
      '--http-port',
      '18099',
      '--database-url',
      'postgres://outpost:db-pass-4711@db.internal:5432/outpost',
      '--tsdb-url',
      'http://grafana:tsdb-pass-4712@vm.internal:8428',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout);
    assert.equal(printed.httpPort, 18099);
    assert.equal(printed.dataDir, data);
    assert.equal(printed.databaseUrl, 'postgres://outpost:<secret>@db.internal:5432/outpost');
    assert.equal(printed.tsdbUrl, 'http://grafana:<secret>@vm.internal:8428/');
    assert.doesNotMatch(r.stdout, /db-pass-4711|tsdb-pass-4712/);
    assert.equal(existsSync(data), false, 'no data directory created');
    const bad = await run(['serve', '--print-config', '--http-port', 'eighty']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /httpPort: .*\(flag\)/);
  });

  it('refuses a bad config value with one line naming the key and its source', async () => {
    const err = await serve(['--data', tempDir()], { OUTPOST_HTTP_PORT: 'eighty' }).then(
      () => assert.fail('started with a bad port'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(err.code, 2);
    assert.match(err.stderr, /httpPort: .*env OUTPOST_HTTP_PORT/);
  });
});
