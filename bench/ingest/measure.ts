import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) and memory of a process, from /proc. */
export function procStats(pid: number): { cpuS: number; rssMb: number; hwmMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuS = (Number(fields[11]) + Number(fields[12])) / TICKS;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuS, rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** The p-th percentile of sorted numbers. */
export function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export function median(xs: readonly number[]): number {
  return pct(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

export const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** The machine's conditions, printed with every figure. */
export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, node ${process.version}`;
}

/** Rates per window from event times (ms since start) and weights; windows of `windowMs`. */
export function perWindow(events: readonly [number, number][], windowMs: number, totalMs: number): number[] {
  const n = Math.max(1, Math.floor(totalMs / windowMs));
  const sums = new Array<number>(n).fill(0);
  for (const [t, w] of events) {
    const i = Math.floor(t / windowMs);
    if (i < n) sums[i]! += w;
  }
  return sums.map((s) => s / (windowMs / 1000));
}
