import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './mosquitto.js';
import { IN_CI } from './peers.js';
import { killOnExit, stopChild } from './snmpd.js';

/** Debian's PostgreSQL 15 server binaries (`postgresql-15`); OUTPOST_PG_BIN points elsewhere. */
export const PG_BIN = process.env.OUTPOST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * The `skip` option for a test that needs a real PostgreSQL: false when initdb and postgres are there;
 * otherwise a printed reason, except under CI=true where it throws so that the suite fails instead.
 */
export function needPostgres(): false | string {
  const missing = ['initdb', 'postgres'].filter((b) => !fs.existsSync(path.join(PG_BIN, b)));
  if (missing.length === 0) return false;
  const reason = `needs PostgreSQL 15 (${missing.join(', ')} under ${PG_BIN}; install postgresql with .ci/run)`;
  if (IN_CI) throw new Error(`CI=true and a real peer is missing: ${reason}`);
  console.log(`# skipped: ${reason}`);
  return reason;
}

export interface RunningPostgres {
  host: string;
  port: number;
  /** The cluster's superuser and its (random) password. */
  user: string;
  password: string;
  /** A `postgres://` URL of database `db` with the superuser's credentials. */
  url(db: string): string;
  /** Creates a new empty database (optionally a copy of `template`) and returns its URL. */
  createDatabase(name?: string, template?: string): Promise<string>;
  /** Stops the server (fast shutdown) and removes its data directory. */
  stop(): Promise<void>;
}

/** The account initdb and postgres run as: the caller, or an unprivileged one when the tests run as root. */
function serverAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (r.status === 0 && g.status === 0)
      return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
  }
  throw new Error('tests run as root and neither a postgres nor a nobody account exists to run PostgreSQL');
}

let counter = 0;

/**
 * Starts a throwaway PostgreSQL cluster: initdb into a temp dir (C locale, UTF-8, SCRAM with a random
 * password), then `postgres` on 127.0.0.1 and an ephemeral port with its socket in that dir, durability off
 * (fsync, synchronous_commit: a test cluster never outlives its process). Waits until it accepts connections.
 * One per test file; each test takes databases of its own with `createDatabase`.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const account = serverAccount();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-pg-'));
  const data = path.join(root, 'data');
  const user = 'outpost';
  const password = randomBytes(12).toString('hex');
  fs.mkdirSync(data, { mode: 0o700 });
  fs.writeFileSync(path.join(root, 'pwfile'), `${password}\n`, { mode: 0o600 });
  if (account) {
    for (const p of [root, data, path.join(root, 'pwfile')]) fs.chownSync(p, account.uid, account.gid);
  }
  const asServer = account ? { uid: account.uid, gid: account.gid } : {};
  const init = spawnSync(
    path.join(PG_BIN, 'initdb'),
    [
      '-D',
      data,
      '-U',
      user,
      `--pwfile=${path.join(root, 'pwfile')}`,
      '--auth=scram-sha-256',
      '--locale=C',
      '--encoding=UTF8',
      '--no-sync',
    ],
    { encoding: 'utf8', cwd: root, ...asServer },
  );
  if (init.status !== 0) {
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    path.join(PG_BIN, 'postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      root,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'shared_buffers=32MB',
      '-c',
      'max_connections=200',
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], detached: true, ...asServer },
  );
  const unkill = killOnExit(child);
  // A test process that exits without stop() (a crash) still leaves no data directory behind.
  const removeRoot = () => fs.rmSync(root, { recursive: true, force: true });
  process.once('exit', removeRoot);
  const unregister = () => {
    unkill();
    process.removeListener('exit', removeRoot);
  };
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const url = (db: string) => `postgres://${user}:${password}@127.0.0.1:${port}/${db}`;
  const stop = async () => {
    await stopChild(child, 5000);
    unregister();
    fs.rmSync(root, { recursive: true, force: true });
  };
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: url('postgres') });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`postgres exited (${child.exitCode}): ${stderr}`);
    }
    try {
      await admin(async (c) => c.query('SELECT 1'));
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `postgres did not accept connections within 20 s: ${(err as Error).message}; ${stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    url,
    async createDatabase(name = `outpost_${process.pid}_${++counter}`, template) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${name}: use [a-z0-9_]`);
      await admin((c) =>
        c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template} STRATEGY FILE_COPY` : ''}`),
      );
      return url(name);
    },
    stop,
  };
}
