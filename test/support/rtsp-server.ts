import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface RtspServerOptions {
  auth?: 'none' | 'basic' | 'digest';
  user?: string;
  password?: string;
  /** Frame rate of every mount (default 15). */
  fps?: number;
  /** Address to listen on (default 127.0.0.1). */
  address?: string;
  /** Port (default: a free one). */
  port?: number;
  /** Run inside this network namespace (`ip netns exec`). */
  netns?: string;
  /** Also answer ONVIF WS-Discovery probes with this camera name. */
  onvifName?: string;
}

export interface RtspServer {
  port: number;
  pid: number;
  /** rtsp://<address>:port/<path> without credentials. */
  url(path: string): string;
  /** Stops the server (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills it at once, as a crash would. */
  kill(): void;
}

const SCRIPT = fileURLToPath(new URL('./rtsp-server.py', import.meta.url));

/**
 * Starts GStreamer's RTSP server (test/support/rtsp-server.py) on a free port, serving /h264, /h265 and /mjpeg.
 * The server also exits when this process dies (it watches its stdin). Always `stop()` it in `after`.
 */
export async function startRtspServer(opts: RtspServerOptions = {}): Promise<RtspServer> {
  const address = opts.address ?? '127.0.0.1';
  const args = [
    SCRIPT,
    '--port',
    String(opts.port ?? 0),
    '--address',
    address,
    '--auth',
    opts.auth ?? 'none',
    '--fps',
    String(opts.fps ?? 15),
  ];
  if (opts.user !== undefined) args.push('--user', opts.user);
  if (opts.password !== undefined) args.push('--password', opts.password);
  if (opts.onvifName) args.push('--onvif-name', opts.onvifName);
  const [cmd, argv] = opts.netns
    ? ['ip', ['netns', 'exec', opts.netns, '/usr/bin/python3', ...args]]
    : ['/usr/bin/python3', args];
  const child: ChildProcess = spawn(cmd, argv, {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      killGroup();
      reject(new Error(`RTSP test server not ready within 20 s: ${stderr.trim()}`));
    }, 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`RTSP test server exited (${code}) before it was ready: ${stderr.trim()}`));
    });
  });
  return {
    port,
    pid: child.pid as number,
    url: (path) => `rtsp://${address}:${port}/${path.replace(/^\//, '')}`,
    kill: killGroup,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(killGroup, 3_000);
      await exited;
      clearTimeout(timer);
      killGroup();
    },
  };
}
