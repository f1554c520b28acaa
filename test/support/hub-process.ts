import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const BIN = join(import.meta.dirname, '..', '..', 'hub', 'bin', 'outpost-hub.js');

export interface HubProcess {
  proc: ChildProcess;
  /** The HTTP base URL. */
  url: string;
  mqttPort: number;
  /** Every line the hub printed on stdout so far (JSON log lines). */
  lines: string[];
  /** Calls `fn` with each later stdout line (and returns a function that stops). */
  onLine(fn: (line: string) => void): () => void;
}

/**
 * Starts `outpost-hub serve` as a child process on free ports (HTTP and MQTT) with `dir` as its data
 * directory; resolves once the HTTP server and the broker listen (read from its JSON log lines).
 */
export function spawnHubProcess(
  dir: string,
  opts: {
    adminPassword?: string;
    nodeArgs?: string[];
    timeoutMs?: number;
    /** Another command line (e.g. the systemd unit's, running the bundle); it must serve from `dir`. */
    command?: { command: string; args: string[]; env?: Record<string, string> };
    /** More environment (OUTPOST_* settings). */
    env?: Record<string, string>;
    logLevel?: string;
    /** The hub uses an external broker (brokerUrl in env): ready once HTTP listens (mqttPort is then 0). */
    externalBroker?: boolean;
  },
): Promise<HubProcess> {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env, ...opts.command?.env };
  if (opts.adminPassword !== undefined) env.OUTPOST_ADMIN_PASSWORD = opts.adminPassword;
  const proc = opts.command
    ? spawn(opts.command.command, opts.command.args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(
        process.execPath,
        [
          ...(opts.nodeArgs ?? []),
          BIN,
          'serve',
          '--data',
          dir,
          '--http-port',
          '0',
          '--mqtt-port',
          '0',
          '--host',
          '127.0.0.1',
          '--log-level',
          opts.logLevel ?? 'info',
        ],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr += d;
  });
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(line);
    for (const fn of listeners) fn(line);
  });
  const onLine = (fn: (line: string) => void) => {
    listeners.add(fn);
    return () => listeners.delete(fn);
  };
  return new Promise((resolve, reject) => {
    let url: string | undefined;
    let mqttPort: number | undefined;
    // A hub that does not come up is stopped: a caller whose start failed has no handle to stop it with.
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`hub did not start: ${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    const stop = onLine((line) => {
      try {
        const m = JSON.parse(line) as { msg?: string; url?: string; mqttPort?: number };
        if (m.msg === 'broker listening') mqttPort = m.mqttPort;
        if (m.msg === 'hub listening') url = m.url;
      } catch {
        // a banner line, not a log line
      }
      if (url && opts.externalBroker) mqttPort ??= 0;
      if (url && mqttPort !== undefined) {
        clearTimeout(timer);
        stop();
        resolve({ proc, url, mqttPort, lines, onLine });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}: ${stderr}`));
    });
  });
}

/** The JSON log lines of a hub process with this `msg`. */
export function logLines(lines: readonly string[], msg: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of lines) {
    if (!line.includes(msg)) continue;
    try {
      const m = JSON.parse(line) as Record<string, unknown>;
      if (m.msg === msg) out.push(m);
    } catch {
      // not a log line
    }
  }
  return out;
}
