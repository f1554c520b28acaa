import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './mosquitto.js';
import { until } from './wait.js';

/** A real remote-write TSDB on 127.0.0.1 and a port of its own, in a temp dir, stoppable and restartable. */
export interface Tsdb {
  kind: 'victoria-metrics' | 'prometheus';
  /** Base URL: remote write at `<url>/api/v1/write`, the query API under `<url>/api/v1/`. */
  url: string;
  /** Stops the server (SIGKILL when `hard`); its data stays for `start`. */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port with the same data (nothing to do when it runs). */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  close(): Promise<void>;
  log(): string;
  /** The running server's process id (undefined when stopped). */
  pid(): number | undefined;
}

/**
 * VictoriaMetrics single-node (Debian's `victoria-metrics`): results are visible at once
 * (`-search.latencyOffset=0s`), and samples of one series with the same timestamp are kept once
 * (`-dedup.minScrapeInterval=1ms`), as docs/tsdb.md recommends.
 */
export function startVictoriaMetrics(): Promise<Tsdb> {
  return startTsdb('victoria-metrics', (dir, port) => [
    'victoria-metrics',
    [
      `-storageDataPath=${dir}/data`,
      `-httpListenAddr=127.0.0.1:${port}`,
      '-retentionPeriod=100y',
      '-search.latencyOffset=0s',
      '-dedup.minScrapeInterval=1ms',
      '-loggerLevel=ERROR',
    ],
  ]);
}

/** Prometheus (Debian's `prometheus`) as a remote-write receiver, with no scrape targets and the admin API. */
export function startPrometheus(): Promise<Tsdb> {
  return startTsdb('prometheus', (dir, port) => {
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      'global: {}\nstorage:\n  tsdb:\n    out_of_order_time_window: 1d\n',
    );
    return [
      'prometheus',
      [
        `--config.file=${dir}/prometheus.yml`,
        `--storage.tsdb.path=${dir}/data`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-remote-write-receiver',
        '--web.enable-admin-api',
        '--storage.tsdb.retention.time=100y',
        '--log.level=error',
      ],
    ];
  });
}

async function startTsdb(
  kind: Tsdb['kind'],
  command: (dir: string, port: number) => [string, string[]],
): Promise<Tsdb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${kind}-`));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const [bin, args] = command(dir, port);
  let child: ChildProcess | null = null;
  let output = '';
  const start = async () => {
    if (child && child.exitCode === null) return;
    const c = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-20_000);
    };
    c.stdout?.on('data', keep);
    c.stderr?.on('data', keep);
    child = c;
    const ready = kind === 'prometheus' ? '/-/ready' : '/health';
    await until(
      async () => {
        if (c.exitCode !== null) throw new Error(`${kind} exited (${c.exitCode}): ${output.slice(-2000)}`);
        return fetch(`${url}${ready}`).then(
          (r) => r.ok,
          () => false,
        );
      },
      30_000,
      `${kind} on ${url}`,
      50,
    );
  };
  const stop = async (hard = false) => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };
  await start();
  return {
    kind,
    url,
    start,
    stop,
    async close() {
      await stop(true);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    log: () => output,
    pid: () => (child && child.exitCode === null ? child.pid : undefined),
  };
}
