import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freeUdpPort, killOnExit, stopChild, waitForSnmp } from './snmpd.js';

/** The Cisco Catalyst 3750 recording that Debian's snmpsim package ships. */
export const CISCO_RECORDING = '/usr/share/doc/snmpsim/examples/data/cisco_16_switch.snmprec.gz';

export interface SnmpsimOptions {
  /** Simulated devices: one community each (`dev1`, `dev2`, ...), all answering from the recording. */
  devices?: number;
  /** snmpsimd processes to spread the devices over (one is single-threaded Python). */
  processes?: number;
  /** A `.snmprec` or `.snmprec.gz` file; the Cisco recording by default. */
  recording?: string;
  readyTimeoutS?: number;
  /** Address to listen on (default 127.0.0.1; one process only when given with `port`). */
  host?: string;
  port?: number;
  /** Community names instead of `dev1`, `dev2`, ... */
  communities?: string[];
  /**
   * SNMPv1/v2c only (`--v2c-arch`): no SNMPv3 engine answers discovery, like many small devices (by default
   * snmpsimd answers it with its `simulator` user).
   */
  v2cOnly?: boolean;
}

export interface SimulatedDevice {
  port: number;
  community: string;
}

export interface RunningSnmpsim {
  host: string;
  /** Port of the first process (all devices when `processes` is 1). */
  port: number;
  /** Communities served on `port`. */
  communities: string[];
  /** Every simulated device with its port. */
  devices: SimulatedDevice[];
  /** Process ids of the snmpsimd processes (for CPU accounting). */
  pids: number[];
  stop(): Promise<void>;
}

/**
 * Starts snmpsimd (as nobody:nogroup, since it refuses root) on ephemeral ports of 127.0.0.1, serving the
 * recording under N communities through symlinks, and waits until every process answers.
 */
export async function startSnmpsim(opts: SnmpsimOptions = {}): Promise<RunningSnmpsim> {
  const n = Math.max(1, opts.communities?.length ?? opts.devices ?? 1);
  const host = opts.host ?? '127.0.0.1';
  const procs = Math.max(1, Math.min(opts.processes ?? 1, n));
  const recording = opts.recording ?? CISCO_RECORDING;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-snmpsim-'));
  // snmpsimd drops to nobody: it must read the data and write its index cache.
  fs.chmodSync(root, 0o777);
  const source = path.join(root, 'recording.snmprec');
  const raw = fs.readFileSync(recording);
  fs.writeFileSync(source, recording.endsWith('.gz') ? gunzipSync(raw) : raw, { mode: 0o644 });

  const children: ChildProcess[] = [];
  const unregisters: (() => void)[] = [];
  const devices: SimulatedDevice[] = [];
  const stopAll = async () => {
    await Promise.all(children.map((c) => stopChild(c)));
    for (const u of unregisters) u();
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    const started = await Promise.all(
      Array.from({ length: procs }, async (_, p) => {
        const data = path.join(root, `data${p}`);
        const cache = path.join(root, `cache${p}`);
        fs.mkdirSync(data, { mode: 0o755 });
        fs.mkdirSync(cache);
        fs.chmodSync(cache, 0o777);
        const communities: string[] = [];
        for (let i = p; i < n; i += procs) {
          const community = opts.communities?.[i] ?? `dev${i + 1}`;
          communities.push(community);
          fs.symlinkSync(source, path.join(data, `${community}.snmprec`));
        }
        return startOne(
          data,
          cache,
          communities,
          opts.readyTimeoutS ?? 60,
          children,
          unregisters,
          host,
          opts.port,
          opts.v2cOnly ?? false,
        );
      }),
    );
    for (const s of started) for (const c of s.communities) devices.push({ port: s.port, community: c });
    if (!opts.communities)
      devices.sort((a, b) => Number(a.community.slice(3)) - Number(b.community.slice(3)));
    const first = started[0]!;
    return {
      host,
      port: first.port,
      communities: first.communities,
      devices,
      pids: children.map((c) => c.pid!),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function startOne(
  data: string,
  cache: string,
  communities: string[],
  readyTimeoutS: number,
  children: ChildProcess[],
  unregisters: (() => void)[],
  host = '127.0.0.1',
  fixedPort?: number,
  v2cOnly = false,
): Promise<{ port: number; communities: string[] }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = fixedPort ?? (await freeUdpPort());
    const args = [
      `--data-dir=${data}`,
      `--cache-dir=${cache}`,
      `--agent-udpv4-endpoint=${host}:${port}`,
      '--logging-method=null',
      ...(v2cOnly ? ['--v2c-arch'] : []),
    ];
    if (process.getuid?.() === 0) args.push('--process-user=nobody', '--process-group=nogroup');
    const child = spawn('snmpsimd', args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-4000);
    });
    const unregister = killOnExit(child);
    try {
      await waitForSnmp(
        port,
        communities[0]!,
        Date.now() + readyTimeoutS * 1000,
        () => (child.exitCode !== null ? `snmpsimd exited (${child.exitCode}): ${log.trim()}` : undefined),
        host,
      );
      children.push(child);
      unregisters.push(unregister);
      return { port, communities };
    } catch (err) {
      lastError = err;
      await stopChild(child);
      unregister();
    }
  }
  throw new Error(
    `snmpsimd did not start: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
  );
}
