import type { CameraConfig } from '@outpost/protocol';
import WebSocket from 'ws';
import { type ProcessHandle, startProcess } from '../ffmpeg/spawn.js';
import { resolveTools } from '../ffmpeg/tools.js';
import { redact, withCredentials } from '../rtsp/redact.js';
import { JpegSplitter, Mp4BoxSplitter } from './splitters.js';

export type LiveFormat = 'fmp4' | 'mjpeg';

export interface LiveStart {
  camera: CameraConfig;
  sessionId: string;
  format: LiveFormat;
  /** ws:// or wss:// URL on the hub, with its one-time token. */
  pushUrl: string;
  log?: (level: 'info' | 'warn', line: string) => void;
}

export interface LiveSessionsOptions {
  ffmpegPath?: string;
  /** Hard cap of one session's ffmpeg (the hub stops sessions sooner). */
  maxSessionMs?: number;
  /** Deadline to open the push WebSocket. */
  connectTimeoutMs?: number;
  /** Stop when this many bytes wait unsent (the link to the hub is slower than the stream). */
  maxBufferedBytes?: number;
  /** MJPEG fallback frame rate. */
  mjpegFps?: number;
}

interface Session {
  id: string;
  cameraId: number;
  format: LiveFormat;
  ws: WebSocket;
  ffmpeg: ProcessHandle;
  stop(reason: string): void;
  done: Promise<void>;
}

/** ffmpeg arguments: fMP4 without transcoding (`-c copy`), or MJPEG for codecs a browser cannot play. */
export function liveArgs(url: string, format: LiveFormat, ioTimeoutMs: number, mjpegFps: number): string[] {
  const input = [
    '-hide_banner',
    '-nostdin',
    '-v',
    'error',
    '-rtsp_transport',
    'tcp',
    '-timeout',
    String(ioTimeoutMs * 1000),
    '-i',
    url,
  ];
  const common = ['-map', '0:v:0', '-an'];
  if (format === 'fmp4') {
    // One fragment per keyframe: every moof a late viewer gets can start decoding.
    return [
      ...input,
      ...common,
      '-c:v',
      'copy',
      '-f',
      'mp4',
      '-movflags',
      'frag_keyframe+empty_moov+default_base_moof',
      '-flush_packets',
      '1',
      'pipe:1',
    ];
  }
  return [...input, ...common, '-c:v', 'mjpeg', '-q:v', '5', '-r', String(mjpegFps), '-f', 'mjpeg', 'pipe:1'];
}

/** Where a push URL points, without its token (for logs). */
function pushTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<invalid push URL>';
  }
}

/**
 * Live views on the agent: per session an ffmpeg reading the camera and a WebSocket pushing its output
 * outbound to the hub (no inbound port needed). Either side ending ends the other; ffmpeg's process group is
 * always killed.
 */
export class LiveSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly o: Required<Omit<LiveSessionsOptions, 'ffmpegPath'>> & { ffmpeg: string };

  constructor(opts: LiveSessionsOptions = {}) {
    this.o = {
      ffmpeg: resolveTools(opts.ffmpegPath).ffmpeg,
      maxSessionMs: opts.maxSessionMs ?? 2 * 3600_000,
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
      maxBufferedBytes: opts.maxBufferedBytes ?? 8 * 1024 * 1024,
      mjpegFps: opts.mjpegFps ?? 5,
    };
  }

  get count(): number {
    return this.sessions.size;
  }

  has(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  /** Starts a session (idempotent per session id; a camera's older session is stopped first). */
  async start(s: LiveStart): Promise<{ session_id: string; format: LiveFormat }> {
    const log = s.log ?? (() => {});
    if (this.sessions.has(s.sessionId)) return { session_id: s.sessionId, format: s.format };
    for (const other of this.sessions.values())
      if (other.cameraId === s.camera.id) other.stop('replaced by a new live session');

    const secrets = [s.camera.password, s.camera.username];
    log('info', `live ${s.format} of ${redact(s.camera.rtsp_url)}, pushing to ${pushTarget(s.pushUrl)}`);
    const ws = await this.connect(s.pushUrl);
    let stopReason = '';
    let ended = false;
    const mp4 = new Mp4BoxSplitter();
    const jpeg = new JpegSplitter();
    const ffmpeg = startProcess(
      this.o.ffmpeg,
      liveArgs(
        withCredentials(s.camera.rtsp_url, s.camera.username, s.camera.password),
        s.format,
        10_000,
        this.o.mjpegFps,
      ),
      {
        timeoutMs: this.o.maxSessionMs,
        onStdout: (chunk) => {
          if (ended) return;
          try {
            const pieces = s.format === 'fmp4' ? mp4.push(chunk).map((b) => b.bytes) : jpeg.push(chunk);
            for (const piece of pieces) ws.send(piece);
          } catch (err) {
            stop(`bad ffmpeg output: ${(err as Error).message}`);
            return;
          }
          if (ws.bufferedAmount > this.o.maxBufferedBytes)
            stop('the link to the hub is slower than the stream');
        },
      },
    );
    const stop = (reason: string) => {
      if (ended) return;
      ended = true;
      stopReason = reason;
      ffmpeg.stop();
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)
        ws.close(1000, reason.slice(0, 120));
    };
    ws.on('close', () => stop('the hub closed the live stream'));
    ws.on('error', (err) => stop(`push connection failed: ${err.message}`));
    const done = ffmpeg.done
      .then((r) => {
        if (!ended)
          stop(
            r.code === 0
              ? 'the camera stream ended'
              : `ffmpeg exit ${r.code}: ${redact(r.stderr.trim().split('\n').pop() ?? '', secrets)}`,
          );
        log('info', `live session ${s.sessionId} ended: ${stopReason}`);
      })
      .catch((err: unknown) => {
        stop(`ffmpeg could not start: ${(err as Error).message}`);
        log('warn', `live session ${s.sessionId}: ${(err as Error).message}`);
      })
      .finally(() => this.sessions.delete(s.sessionId));
    this.sessions.set(s.sessionId, {
      id: s.sessionId,
      cameraId: s.camera.id,
      format: s.format,
      ws,
      ffmpeg,
      stop,
      done,
    });
    return { session_id: s.sessionId, format: s.format };
  }

  /** Stops one session; false when it is not running. Resolves once its ffmpeg is gone. */
  async stop(sessionId: string, reason = 'stopped by the hub'): Promise<boolean> {
    const s = this.sessions.get(sessionId);
    if (!s) return false;
    s.stop(reason);
    await s.done;
    return true;
  }

  /** Stops the sessions of one camera (its config changed or it was removed). */
  stopCamera(cameraId: number): void {
    for (const s of this.sessions.values()) if (s.cameraId === cameraId) s.stop('the camera config changed');
  }

  /** Stops every session (agent shutdown). */
  async stopAll(): Promise<void> {
    const all = [...this.sessions.values()];
    for (const s of all) s.stop('the agent is stopping');
    await Promise.all(all.map((s) => s.done));
  }

  private connect(url: string): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: this.o.connectTimeoutMs, perMessageDeflate: false });
      const fail = (err: Error) => {
        ws.terminate();
        reject(new Error(`cannot open the live push connection to ${pushTarget(url)}: ${err.message}`));
      };
      ws.once('open', () => {
        ws.off('error', fail);
        resolve(ws);
      });
      ws.once('error', fail);
      ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
    });
  }
}

/** The agent's live sessions (one per process). */
export const liveSessions = new LiveSessions();
