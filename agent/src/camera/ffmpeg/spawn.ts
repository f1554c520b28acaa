import { type ChildProcess, spawn } from 'node:child_process';

/** A spawned tool could not be started (not installed, not executable). */
export class ToolMissingError extends Error {
  readonly code = 'tool_missing';
  constructor(
    readonly tool: string,
    options?: { cause?: unknown },
  ) {
    super(`${tool} is not installed or not executable`, options);
  }
}

export interface ProcessOptions {
  /** Hard deadline: the whole process group is killed with SIGKILL when it passes. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with each stdout chunk instead of buffering it. */
  onStdout?: (chunk: Buffer) => void;
  /** Most stdout bytes kept when buffering; the process is killed past it. */
  maxStdoutBytes?: number;
  /** Most stderr bytes kept (the tail is kept). */
  maxStderrBytes?: number;
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** Why it was killed, if it was. */
  killed?: 'timeout' | 'aborted' | 'output_limit' | 'stopped';
  durationMs: number;
}

export interface ProcessHandle {
  readonly pid: number | undefined;
  /** Settles when the process has exited; never rejects except with `ToolMissingError`. */
  readonly done: Promise<ProcessResult>;
  /** Kills the process group now. */
  stop(): void;
}

// Every live group, so that an exiting agent takes its children with it.
const live = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // A negative pid addresses the process group: ffmpeg and anything it started.
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of live) killGroup(pid);
  });
}

/** Number of spawned process groups still alive (for tests and `doctor`). */
export function liveProcessCount(): number {
  return live.size;
}

/**
 * Starts a tool in its own process group (`detached: true`) with a hard deadline. Whatever happens (timeout,
 * abort, output limit, `stop()`, the agent exiting) the whole group is killed with SIGKILL, so no ffmpeg
 * survives its caller.
 */
export function startProcess(command: string, args: string[], opts: ProcessOptions): ProcessHandle {
  installExitHook();
  const started = performance.now();
  const maxStdout = opts.maxStdoutBytes ?? 16 * 1024 * 1024;
  const maxStderr = opts.maxStderrBytes ?? 16 * 1024;
  let killed: ProcessResult['killed'];
  let child: ChildProcess | undefined;
  const stdout: Buffer[] = [];
  let stdoutBytes = 0;
  let stderr = '';
  let stopNow = () => {};

  const done = new Promise<ProcessResult>((resolve, reject) => {
    child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid;
    if (pid !== undefined) live.add(pid);
    const kill = (why: NonNullable<ProcessResult['killed']>) => {
      killed ??= why;
      killGroup(pid);
    };
    const timer = setTimeout(() => kill('timeout'), opts.timeoutMs);
    const onAbort = () => kill('aborted');
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    stopNow = () => kill('stopped');

    child.stdout?.on('data', (chunk: Buffer) => {
      if (opts.onStdout) return opts.onStdout(chunk);
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) return kill('output_limit');
      stdout.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-maxStderr);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (pid !== undefined) live.delete(pid);
      if (err.code === 'ENOENT' || err.code === 'EACCES')
        reject(new ToolMissingError(command, { cause: err }));
      else reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      // The leader is gone; make sure nothing it forked lingers in the group.
      killGroup(pid);
      if (pid !== undefined) live.delete(pid);
      const result: ProcessResult = {
        code,
        signal,
        stdout: Buffer.concat(stdout),
        stderr,
        durationMs: performance.now() - started,
      };
      if (killed) result.killed = killed;
      resolve(result);
    });
  });
  return {
    pid: child?.pid,
    done,
    stop: () => stopNow(),
  };
}

/** Runs a tool to completion under a hard deadline and returns its output. */
export function runProcess(command: string, args: string[], opts: ProcessOptions): Promise<ProcessResult> {
  return startProcess(command, args, opts).done;
}
