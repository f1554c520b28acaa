import { readdirSync, readFileSync } from 'node:fs';
import { PG_BIN } from '../../test/support/postgres.js';

const TICKS = 100; // USER_HZ on Linux

interface Proc {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime: its own CPU and that of the children it reaped, in ticks. */
  ticks: number;
}

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      pid,
      ppid: Number(f[1]),
      ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
    };
  } catch {
    return undefined; // gone
  }
}

function allProcs(): Proc[] {
  const out: Proc[] = [];
  for (const d of readdirSync('/proc'))
    if (/^\d+$/.test(d)) {
      const p = readProc(Number(d));
      if (p) out.push(p);
    }
  return out;
}

/**
 * CPU seconds of a process and every live descendant (PostgreSQL: the postmaster and all its backends and
 * workers); a descendant that exited is counted in its parent's reaped-children times.
 */
export function treeCpuS(root: number): number {
  const procs = allProcs();
  const kids = new Map<number, Proc[]>();
  for (const p of procs) kids.set(p.ppid, [...(kids.get(p.ppid) ?? []), p]);
  let ticks = 0;
  const stack = procs.filter((p) => p.pid === root);
  while (stack.length > 0) {
    const p = stack.pop() as Proc;
    ticks += p.ticks;
    stack.push(...(kids.get(p.pid) ?? []));
  }
  return ticks / TICKS;
}

/** CPU seconds of a process' main thread alone (for Node: the event loop, without GC and libuv helper threads). */
export function mainThreadCpuS(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return 0; // gone
  }
}

/** The process id of the PostgreSQL server (postmaster) listening on `port`. */
export function postmasterPid(port: number): number {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.startsWith(`${PG_BIN}/postgres\0`) && cmd.includes(`-p\0${port}\0`)) return Number(d);
    } catch {
      // gone
    }
  }
  throw new Error(`no PostgreSQL server process listening on port ${port}`);
}

/** Busy and total CPU time of the whole machine (every core), from /proc/stat, in ticks. */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}
