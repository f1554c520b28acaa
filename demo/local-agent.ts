import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const AGENT_BIN = fileURLToPath(new URL('../agent/bin/outpost-agent.js', import.meta.url));

/** The agent's environment: none of the hub's OUTPOST_* settings leak into it (they share the prefix). */
export function agentEnv(env: NodeJS.ProcessEnv, logLevel: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('OUTPOST_')) out[k] = v;
  out.OUTPOST_LOG_LEVEL = logLevel;
  return out;
}

/** Whether `dir` holds an agent identity (enrolled before). Returns its agent id. */
export function enrolledAgentId(dir: string): string | undefined {
  try {
    const id = JSON.parse(fs.readFileSync(path.join(dir, 'identity.json'), 'utf8')) as { agent_id?: unknown };
    return typeof id.agent_id === 'string' ? id.agent_id : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `outpost-agent enroll` (asynchronously: the caller's event loop keeps serving). */
export function enrollAgent(opts: {
  dataDir: string;
  hubUrl: string;
  token: string;
  env: NodeJS.ProcessEnv;
}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [AGENT_BIN, 'enroll', '--hub', opts.hubUrl, '--token', opts.token, '--data', opts.dataDir],
      {
        env: opts.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('error', (err) => reject(new Error(`cannot start outpost-agent enroll: ${err.message}`)));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`outpost-agent enroll failed (exit ${code}): ${out.trim()}`)),
    );
  });
}

export interface LocalAgent {
  child: ChildProcess;
  /**
   * Stops the agent and resolves when it has exited. With `signalled` (Ctrl+C reaches the whole process group,
   * so the agent is already stopping) it first waits a little before sending SIGTERM itself, because a second
   * signal makes the agent exit at once instead of flushing. SIGKILL after `graceMs`.
   */
  stop(opts?: { signalled?: boolean; graceMs?: number }): Promise<void>;
}

/**
 * Runs `outpost-agent run` as a child process. Its log lines go to `log` (prefixed), and it is restarted
 * after a crash (with a pause) until `stop()` is called.
 */
export function runAgent(opts: {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  restartDelayMs?: number;
}): LocalAgent {
  let stopping = false;
  let child!: ChildProcess;
  let exited!: Promise<void>;
  const start = () => {
    child = spawn(process.execPath, [AGENT_BIN, 'run', '--data', opts.dataDir], {
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const forward = (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line.trim()) opts.log(line);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve();
        if (stopping) return;
        opts.log(
          `agent exited (${signal ?? `code ${code}`}); restarting in ${(opts.restartDelayMs ?? 5000) / 1000} s`,
        );
        setTimeout(() => !stopping && start(), opts.restartDelayMs ?? 5000).unref();
      });
    });
  };
  start();
  return {
    get child() {
      return child;
    },
    async stop({ signalled = false, graceMs = 10_000 } = {}) {
      stopping = true;
      const gone = () => child.exitCode !== null || child.signalCode !== null;
      if (gone()) return;
      const timers: NodeJS.Timeout[] = [];
      timers.push(setTimeout(() => gone() || child.kill('SIGTERM'), signalled ? 3_000 : 0));
      timers.push(setTimeout(() => gone() || child.kill('SIGKILL'), graceMs));
      await exited;
      for (const t of timers) clearTimeout(t);
    },
  };
}
