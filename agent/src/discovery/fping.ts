import { spawn } from 'node:child_process';
import { FPING } from '../checks/icmp.js';

export interface PingSweep {
  /** Addresses that answered, with the round trip of their first answer (ms). */
  alive: Map<string, number>;
  /** ICMP echo requests sent (fping's own count). */
  sent: number;
  /** Why nothing could be pinged (fping missing, no privilege); the sweep goes on without ICMP. */
  unavailable?: string;
}

/** `192.0.2.1 (0.05 ms)` lines of `fping -a -e`, and the `N ICMP Echos sent` line of `-s`. */
export function parseFpingSweep(
  stdout: string,
  stderr: string,
): { alive: Map<string, number>; sent: number } {
  const alive = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\s+\(([\d.]+) ms\))?/.exec(line.trim());
    if (m) alive.set(m[1]!, m[2] === undefined ? 0 : Number(m[2]));
  }
  const sent = /(\d+)\s+ICMP Echos sent/.exec(stderr);
  return { alive, sent: sent ? Number(sent[1]) : 0 };
}

/** What fping's complaint about privileges or its absence means for the operator. */
export function fpingUnavailable(stderr: string, code: string | undefined): string | undefined {
  if (code === 'ENOENT') return 'ICMP sweep skipped: fping is not installed (apt-get install fping)';
  if (code === 'EPERM' || /can't create socket|Operation not permitted|must run as root/i.test(stderr))
    return 'ICMP sweep skipped: fping may not open an ICMP socket; the service needs CAP_NET_RAW (agent/deploy/icmp-checks.conf)';
  return undefined;
}

/**
 * Pings every address once, and once more after `timeoutMs` when it stays silent, through Debian's fping
 * (`-i` spaces every echo request by 1000/ratePps ms across all targets). Node has no ICMP socket; fping uses a
 * raw socket (CAP_NET_RAW) or an unprivileged ICMP socket where its version reads their replies.
 */
export function pingSweep(
  addresses: readonly string[],
  o: { ratePps: number; timeoutMs: number; retries?: number; signal?: AbortSignal },
): Promise<PingSweep> {
  if (addresses.length === 0) return Promise.resolve({ alive: new Map(), sent: 0 });
  const interval = Math.max(1, Math.ceil(1000 / o.ratePps));
  const args = [
    '-a',
    '-e',
    '-s',
    '-r',
    String(o.retries ?? 1),
    '-B',
    '1',
    '-t',
    String(o.timeoutMs),
    '-i',
    String(interval),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(FPING, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      signal: o.signal,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 65_536) stderr += d;
    });
    child.stdin.on('error', () => {}); // fping may exit before reading every target
    child.stdin.end(`${addresses.join('\n')}\n`);
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') return reject(err);
      const why = fpingUnavailable('', err.code);
      if (why) resolve({ alive: new Map(), sent: 0, unavailable: why });
      else reject(new Error(`fping: ${err.message}`, { cause: err }));
    });
    child.on('close', (code) => {
      if (o.signal?.aborted) return;
      const why = fpingUnavailable(stderr, undefined);
      const parsed = parseFpingSweep(stdout, stderr);
      // fping exits 1 when some target did not answer: that is the point of a sweep.
      if (why && parsed.alive.size === 0) return resolve({ ...parsed, unavailable: why });
      if (code !== 0 && code !== 1 && parsed.alive.size === 0 && parsed.sent === 0)
        return reject(new Error(`fping exited ${code}: ${stderr.trim().split('\n').pop() ?? ''}`));
      resolve(parsed);
    });
  });
}
