import fs from 'node:fs';

/** Every live process's parent, from /proc (Linux). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(Number(entry), ppid);
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** The command lines (argv) of every ffmpeg process descended from `pid`. */
export function ffmpegUnder(pid: number): string[][] {
  const ppid = parents();
  const isUnder = (p: number): boolean => {
    for (
      let cur = ppid.get(p), hops = 0;
      cur !== undefined && cur > 1 && hops < 64;
      cur = ppid.get(cur), hops++
    )
      if (cur === pid) return true;
    return false;
  };
  const out: string[][] = [];
  for (const p of ppid.keys()) {
    if (!isUnder(p)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (argv[0] && /(^|\/)ffmpeg$/.test(argv[0])) out.push(argv);
    } catch {
      // ended
    }
  }
  return out;
}
