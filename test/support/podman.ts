import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasCommand } from './peers.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** A podman that can run containers here, and the environment that makes it work. */
export interface Podman {
  /** Extra environment for every podman (and podman-compose) call: empty, or CONTAINERS_CONF. */
  env: Record<string, string>;
  /** What had to be set, for the log. */
  note: string;
}

/** Runs podman with `env`; returns its status and output (never throws for a failing command). */
export function podman(
  p: Pick<Podman, 'env'>,
  args: string[],
  opts: { timeoutMs?: number; input?: string } = {},
) {
  const r = spawnSync('podman', args, {
    encoding: 'utf8',
    env: { ...process.env, ...p.env },
    timeout: opts.timeoutMs ?? 120_000,
    input: opts.input,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

function limit(flag: string): string {
  const r = spawnSync('sh', ['-c', `ulimit ${flag}`], { encoding: 'utf8' });
  return r.stdout.trim();
}

/**
 * Finds how podman can run `image` on this machine: as configured, or else with runc and explicit limits. The
 * second covers hosts whose cgroup v2 hierarchy still has a controller next to cgroup v1 (crun refuses such a
 * "hybrid" setup) and containers without CAP_SYS_RESOURCE, where podman's default rlimits cannot be set. The
 * settings go to a containers.conf of our own (CONTAINERS_CONF), never to the machine's. Returns the reason
 * when podman is missing or no setting runs the image.
 */
export function findPodman(image: string): Podman | { reason: string } {
  if (!hasCommand('podman')) return { reason: 'podman is not installed' };
  const candidates: { note: string; conf?: string }[] = [{ note: 'podman as configured' }];
  if (hasCommand('runc')) {
    const nofile = `${limit('-Sn')}:${limit('-Hn')}`;
    candidates.push({
      note: `runc, nofile=${nofile}, nproc=4096 (containers.conf)`,
      conf: `[containers]\ndefault_ulimits = ["nofile=${nofile}", "nproc=4096:4096"]\n\n[engine]\nruntime = "runc"\n`,
    });
  }
  let last = '';
  for (const c of candidates) {
    const env: Record<string, string> = {};
    if (c.conf) {
      const dir = join(ROOT, '.cache', 'podman');
      mkdirSync(dir, { recursive: true });
      env.CONTAINERS_CONF = join(dir, 'containers.conf');
      writeFileSync(env.CONTAINERS_CONF, c.conf);
    }
    const r = podman({ env }, ['run', '--rm', '--network', 'none', '--entrypoint', 'true', image], {
      timeoutMs: 60_000,
    });
    if (r.status === 0) return { env, note: c.note };
    last = (r.stderr || String(r.error)).trim().split('\n').pop() ?? '';
  }
  return { reason: `podman cannot run a container here: ${last}` };
}

/** Whether the local image store has `image`. */
export function imageExists(p: Pick<Podman, 'env'>, image: string): boolean {
  return podman(p, ['image', 'exists', image]).status === 0;
}
