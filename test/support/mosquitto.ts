import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A free TCP port on 127.0.0.1 (bind port 0, read it, release it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port} within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A real Mosquitto broker on a port of its own, stoppable and restartable on the same port. */
export interface Mosquitto {
  port: number;
  url: string;
  /** Stops the broker (SIGKILL when `hard`), e.g. to make the hub "away". */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port (nothing to do when it runs). */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  close(): Promise<void>;
  /** What it wrote to stderr (for failure messages). */
  log(): string;
  /** The running broker's process id (benchmarks read its CPU time). */
  pid(): number | undefined;
  /** With `auth`: replaces the accepted users and makes the running broker reload them (SIGHUP). */
  setUsers(users: Record<string, string>): void;
}

export interface MosquittoOptions {
  /** Refuse anonymous clients and accept only these username/password pairs. */
  auth?: Record<string, string>;
  /**
   * Load the dynamic-security plugin, initialised with this admin client (`mosquitto_ctrl dynsec init`):
   * anonymous clients are refused and every other client is created through `$CONTROL/dynamic-security/v1`.
   */
  dynsec?: { admin: string; password: string };
}

/** Where Debian's mosquitto package puts the dynamic-security plugin. */
export const DYNSEC_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';

function writePasswords(file: string, users: Record<string, string>): void {
  fs.writeFileSync(file, '', { mode: 0o600 });
  for (const [user, password] of Object.entries(users)) {
    const r = spawnSync('mosquitto_passwd', ['-b', file, user, password], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
  }
}

/** Starts `mosquitto -c <temp config>` on a free port: anonymous allowed (unless `auth`), no persistence, localhost only. */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosquitto-'));
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  const passwords = path.join(dir, 'passwords');
  if (options.auth) writePasswords(passwords, options.auth);
  const dynsecFile = path.join(dir, 'dynamic-security.json');
  if (options.dynsec) {
    const r = spawnSync(
      'mosquitto_ctrl',
      ['dynsec', 'init', dynsecFile, options.dynsec.admin, options.dynsec.password],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`mosquitto_ctrl dynsec init failed: ${r.stderr}`);
  }
  fs.writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      ...(options.dynsec
        ? ['allow_anonymous false', `plugin ${DYNSEC_PLUGIN}`, `plugin_opt_config_file ${dynsecFile}`]
        : options.auth
          ? ['allow_anonymous false', `password_file ${passwords}`]
          : ['allow_anonymous true']),
      // As root, mosquitto would switch to its own user, which cannot read this temp directory.
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'max_queued_messages 100000',
      'max_inflight_messages 100',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | null = null;
  let output = '';
  const start = async () => {
    if (child && child.exitCode === null) return;
    const c = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    c.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child = c;
    await waitForPort(port, 5_000);
  };
  const stop = async (hard = false) => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };
  await start();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    start,
    stop,
    async close() {
      await stop(true);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    log: () => output,
    pid: () => (child?.exitCode === null ? child.pid : undefined),
    setUsers(users) {
      if (!options.auth) throw new Error('this broker was started without auth');
      writePasswords(passwords, users);
      child?.kill('SIGHUP');
    },
  };
}
