import { spawn } from 'node:child_process';
import type { CheckParams } from '@outpost/protocol';
import { CheckError, type CheckUnit } from './types.js';

/** fping's count-mode summary of one host. */
export interface FpingSummary {
  sent: number;
  received: number;
  lossPercent: number;
  min?: number;
  avg?: number;
  max?: number;
}

/**
 * Parses the summary `fping -q -c N` prints on stderr:
 * `192.0.2.1 : xmt/rcv/%loss = 3/3/0%, min/avg/max = 0.03/0.04/0.05` (no times when nothing came back).
 */
export function parseFpingSummary(text: string): FpingSummary | null {
  const m =
    /xmt\/rcv\/%loss = (\d+)\/(\d+)\/(\d+(?:\.\d+)?)%(?:, min\/avg\/max = ([\d.]+)\/([\d.]+)\/([\d.]+))?/.exec(
      text,
    );
  if (!m) return null;
  const out: FpingSummary = { sent: Number(m[1]), received: Number(m[2]), lossPercent: Number(m[3]) };
  if (m[4] !== undefined) {
    out.min = Number(m[4]);
    out.avg = Number(m[5]);
    out.max = Number(m[6]);
  }
  return out;
}

/** The fping binary (Debian's `fping`; on PATH or in /usr/bin, /usr/sbin). */
export const FPING = process.env.OUTPOST_FPING ?? 'fping';

/**
 * Ping through Debian's fping: it uses unprivileged ICMP sockets when `net.ipv4.ping_group_range` includes the
 * agent's group (systemd's default), else a raw socket (its file capability, or CAP_NET_RAW). Node itself has
 * no ICMP socket.
 */
export const icmp: CheckUnit<CheckParams['icmp']> = {
  kind: 'icmp',
  run(p, { signal, timeoutMs }) {
    // fping's run lasts about (count - 1) x interval + the last echo's wait: keep it inside the check's time.
    const perEcho = Math.max(50, Math.min(timeoutMs - p.interval_ms * (p.count - 1) - 200, 2_000));
    const args = ['-q', '-c', String(p.count), '-p', String(p.interval_ms), '-t', String(perEcho), p.host];
    return new Promise((resolve, reject) => {
      const child = spawn(FPING, args, { stdio: ['ignore', 'ignore', 'pipe'], signal });
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d: string) => {
        if (stderr.length < 8192) stderr += d;
      });
      child.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') reject(new CheckError('fping is not installed (apt-get install fping)'));
        else if (err.code === 'EPERM')
          reject(
            new CheckError(
              'fping may not run: the service needs CAP_NET_RAW for ICMP checks (deploy/icmp-checks.conf)',
            ),
          );
        else if (err.name === 'AbortError') reject(new CheckError('ping aborted'));
        else reject(new CheckError(`fping: ${err.message}`, { cause: err }));
      });
      child.on('close', (code) => {
        const s = parseFpingSummary(stderr);
        if (!s) {
          const line = stderr.trim().split('\n').pop() ?? '';
          reject(new CheckError(`fping ${p.host}: ${line || `exit code ${code}`}`));
          return;
        }
        const metrics = {
          icmp_loss_percent: s.lossPercent,
          icmp_rtt_min_ms: s.min,
          icmp_rtt_avg_ms: s.avg,
          icmp_rtt_max_ms: s.max,
        };
        const facts = { sent: s.sent, received: s.received };
        if (s.received === 0)
          resolve({ status: 'down', error: `no reply to ${s.sent} echo requests`, metrics, facts });
        else
          resolve({ status: 'up', ...(s.avg !== undefined ? { response_ms: s.avg } : {}), metrics, facts });
      });
    });
  },
};
