import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const BIN = join(import.meta.dirname, '..', '..', 'hub', 'bin', 'outpost-hub.js');

export interface HubProcess {
  proc: ChildProcess;
  /** The HTTP base URL. */
  url: string;
  mqttPort: number;
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
  },
): Promise<HubProcess> {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.command?.env };
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
          'info',
        ],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    let url: string | undefined;
    let mqttPort: number | undefined;
    const timer = setTimeout(
      () => reject(new Error(`hub did not start: ${stderr}`)),
      opts.timeoutMs ?? 20_000,
    );
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const m = JSON.parse(line) as { msg?: string; url?: string; mqttPort?: number };
        if (m.msg === 'broker listening') mqttPort = m.mqttPort;
        if (m.msg === 'hub listening') url = m.url;
      } catch {
        // a banner line, not a log line
      }
      if (url && mqttPort) {
        clearTimeout(timer);
        resolve({ proc, url, mqttPort });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}: ${stderr}`));
    });
  });
}
