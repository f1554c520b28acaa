import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import snmp from 'net-snmp';

/** One SNMPv3 USM user configured on the test snmpd. */
export interface SnmpdV3User {
  user: string;
  level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
  authProtocol?: 'md5' | 'sha' | 'sha256' | 'sha512';
  authKey?: string;
  privProtocol?: 'des' | 'aes';
  privKey?: string;
}

export interface SnmpdOptions {
  sysName?: string;
  sysLocation?: string;
  sysContact?: string;
  /** Seconds to wait for the agent to answer. */
  readyTimeoutS?: number;
  /** Also listen on udp6 [::1] (same port number) with the same community. */
  ipv6?: boolean;
  /** Address to listen on (default 127.0.0.1); another loopback address, or one inside `netns`. */
  host?: string;
  /** UDP port (default: a free one). */
  port?: number;
  /** Run inside this network namespace (`ip netns exec`). */
  netns?: string;
  /** Source network the community is accepted from (default 127.0.0.1; `default` for any). */
  allowFrom?: string;
  /** The v2c community (default: a random one). */
  community?: string;
  /** Further snmpd.conf lines, e.g. `override .1.3.6.1.4.1.8072.9999.9999.1.0 integer 42` to serve a value. */
  extraConfig?: string[];
}

export interface RunningSnmpd {
  host: string;
  port: number;
  /** Random v2c read-only community. */
  community: string;
  /** The authPriv user (SHA-1 + AES-128). */
  v3: SnmpdV3User & { level: 'authPriv' };
  /** Every v3 user: authPriv SHA/AES, SHA-256/AES, MD5/DES, authNoPriv SHA, noAuthNoPriv, authPriv MD5/AES. */
  v3Users: SnmpdV3User[];
  sysName: string;
  stop(): Promise<void>;
}

/** A free UDP port on 127.0.0.1 (bound then released; callers retry if someone takes it meanwhile). */
export async function freeUdpPort(): Promise<number> {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return port;
}

/** Resolves once a v2c GET of sysName succeeds, or rejects at the deadline (or when `exited` says so). */
export async function waitForSnmp(
  port: number,
  community: string,
  deadlineMs: number,
  exited: () => string | undefined,
  host = '127.0.0.1',
): Promise<void> {
  const session = snmp.createSession(host, community, {
    port,
    version: snmp.Version2c,
    timeout: 300,
    retries: 0,
  });
  session.on('error', () => {});
  try {
    for (;;) {
      const why = exited();
      if (why) throw new Error(why);
      const ok = await new Promise<boolean>((resolve) =>
        session.get(['1.3.6.1.2.1.1.5.0'], (err) => resolve(!err)),
      );
      if (ok) return;
      if (Date.now() > deadlineMs) throw new Error(`no SNMP answer on ${host}:${port} in time`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    session.close();
  }
}

/** Stops a child (its whole process group): SIGTERM, then SIGKILL after a grace period. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      child.kill(sig);
    }
  };
  kill('SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

/** Kills leftover children if a test process exits without calling stop(). */
export function killOnExit(child: ChildProcess): () => void {
  const onExit = () => {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  return () => process.removeListener('exit', onExit);
}

const secret = (n = 12) => randomBytes(n).toString('hex');

/**
 * Starts a real Net-SNMP `snmpd` on an ephemeral UDP port of 127.0.0.1 with a random v2c community and SNMPv3
 * users, in its own temp dir (config and persistent state); waits until it answers.
 */
export async function startSnmpd(opts: SnmpdOptions = {}): Promise<RunningSnmpd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-snmpd-'));
  const community = opts.community ?? `c${secret(8)}`;
  const host = opts.host ?? '127.0.0.1';
  const sysName = opts.sysName ?? 'outpost-snmpd';
  const v3Users: SnmpdV3User[] = [
    {
      user: 'op-sha-aes',
      level: 'authPriv',
      authProtocol: 'sha',
      authKey: secret(),
      privProtocol: 'aes',
      privKey: secret(),
    },
    {
      user: 'op-sha256-aes',
      level: 'authPriv',
      authProtocol: 'sha256',
      authKey: secret(),
      privProtocol: 'aes',
      privKey: secret(),
    },
    {
      user: 'op-md5-des',
      level: 'authPriv',
      authProtocol: 'md5',
      authKey: secret(),
      privProtocol: 'des',
      privKey: secret(),
    },
    { user: 'op-sha-auth', level: 'authNoPriv', authProtocol: 'sha', authKey: secret() },
    { user: 'op-noauth', level: 'noAuthNoPriv' },
    {
      user: 'op-md5-aes',
      level: 'authPriv',
      authProtocol: 'md5',
      authKey: secret(),
      privProtocol: 'aes',
      privKey: secret(),
    },
  ];
  const lines = [
    `rocommunity ${community} ${opts.allowFrom ?? '127.0.0.1'}`,
    ...(opts.ipv6 ? [`rocommunity6 ${community} ::1`] : []),
    `sysName ${sysName}`,
    `sysLocation ${opts.sysLocation ?? 'Test lab, rack 1'}`,
    `sysContact ${opts.sysContact ?? 'noc@example.net'}`,
    'sysServices 72',
    // Do not let the test agent read the host's /etc/snmp or listen on AgentX.
    'agentXSocket none',
    'master no',
    ...(opts.extraConfig ?? []),
  ];
  for (const u of v3Users) {
    const auth = u.authProtocol
      ? ` ${u.authProtocol === 'sha256' ? 'SHA-256' : u.authProtocol.toUpperCase()} "${u.authKey}"`
      : '';
    const priv = u.privProtocol ? ` ${u.privProtocol.toUpperCase()} "${u.privKey}"` : '';
    lines.push(`createUser ${u.user}${auth}${priv}`);
    lines.push(
      `rouser ${u.user} ${u.level === 'authPriv' ? 'priv' : u.level === 'authNoPriv' ? 'auth' : 'noauth'}`,
    );
  }
  const conf = path.join(dir, 'snmpd.conf');
  fs.writeFileSync(conf, `${lines.join('\n')}\n`, { mode: 0o600 });
  const persistent = path.join(dir, 'persist');
  fs.mkdirSync(persistent);

  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = opts.port ?? (await freeUdpPort());
    const snmpdArgs = [
      '-f',
      '-Lo',
      '-C',
      '-c',
      conf,
      '-p',
      path.join(dir, 'snmpd.pid'),
      opts.ipv6 ? `udp:${host}:${port},udp6:[::1]:${port}` : `udp:${host}:${port}`,
    ];
    const child = spawn(
      opts.netns ? 'ip' : 'snmpd',
      opts.netns ? ['netns', 'exec', opts.netns, 'snmpd', ...snmpdArgs] : snmpdArgs,
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, SNMP_PERSISTENT_DIR: persistent, MIBS: '', MIBDIRS: '/nonexistent' },
      },
    );
    let log = '';
    child.stdout?.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-4000);
    });
    child.stderr?.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-4000);
    });
    const unregister = killOnExit(child);
    try {
      await waitForSnmp(
        port,
        community,
        Date.now() + (opts.readyTimeoutS ?? 15) * 1000,
        () => (child.exitCode !== null ? `snmpd exited (${child.exitCode}): ${log.trim()}` : undefined),
        host,
      );
      return {
        host,
        port,
        community,
        v3: v3Users[0] as SnmpdV3User & { level: 'authPriv' },
        v3Users,
        sysName,
        async stop() {
          await stopChild(child);
          unregister();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      lastError = err;
      await stopChild(child);
      unregister();
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error(
    `snmpd did not start: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
  );
}

/**
 * Runs Net-SNMP's `snmpget`/`snmpbulkwalk` with numeric OIDs and raw values (`-On -Oq -Oe -Ot`) and returns
 * the values by OID (no leading dot), quotes removed. The reference the agent's results are compared with.
 */
export async function snmpCli(
  tool: 'snmpget' | 'snmpbulkwalk' | 'snmpwalk',
  args: string[],
): Promise<Map<string, string>> {
  const { execFile } = await import('node:child_process');
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(tool, ['-On', '-Oq', '-Oe', '-Ot', ...args], { maxBuffer: 64 << 20 }, (err, out, errOut) =>
      err ? reject(new Error(`${tool} failed: ${errOut || err.message}`)) : resolve(out),
    ),
  );
  const out = new Map<string, string>();
  for (const entry of stdout.split(/\n(?=\.\d)/)) {
    const m = /^\.([\d.]+) ?([\s\S]*)$/.exec(entry.replace(/\n$/, ''));
    if (!m) continue;
    let v = m[2] ?? '';
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    if (v.startsWith('.')) v = v.slice(1);
    out.set(m[1]!, v);
  }
  return out;
}

/** `-v2c -c COMMUNITY host:port` for the CLI tools. */
export function v2cArgs(port: number, community: string): string[] {
  return ['-v2c', '-c', community, `127.0.0.1:${port}`];
}
