import { randomBytes, timingSafeEqual } from 'node:crypto';
import type WebSocket from 'ws';

export type LiveFormat = 'fmp4' | 'mjpeg';

export interface LiveLimits {
  maxViewers: number;
  maxKbps: number;
  maxSessionMs: number;
  /** How long the agent may take to connect its push socket. */
  pushConnectMs: number;
  /** A viewer with more than this many bytes waiting is dropped (too slow to follow). */
  maxViewerBufferedBytes: number;
}

export interface SessionStart {
  cameraId: number;
  siteId: number;
  sessionId: string;
  format: LiveFormat;
  /** The one-time token the agent presents on its push socket. */
  token: string;
  userId: number | null;
  /** ws:// or wss:// base of the hub from publicUrl, or '' (the agent takes the path on its enrolled hub). */
  pushBase: string;
}

/** How the relay reaches agents: in the hub, jobs `live-start` / `live-stop` through the link. */
export interface LiveAgentControl {
  start(s: SessionStart): Promise<void>;
  stop(s: SessionStart): Promise<void>;
}

interface Viewer {
  ws: WebSocket;
  /** Has the init segment (ftyp + moov). */
  initialized: boolean;
  /** Has seen a moof: from here on it gets every box. */
  streaming: boolean;
}

interface Session {
  start: SessionStart;
  viewers: Set<Viewer>;
  push?: WebSocket;
  init: Buffer[];
  initComplete: boolean;
  windowStart: number;
  windowBytes: number;
  /** Bytes and length of the previous full window: the rate spans both, so one keyframe is no spike. */
  previousBytes: number;
  previousMs: number;
  bytes: number;
  timers: NodeJS.Timeout[];
  closed: boolean;
}

export type JoinResult =
  | { ok: true; sessionId: string; format: LiveFormat }
  | { ok: false; status: number; message: string };

/** WebSocket close codes sent to viewers. */
export const CLOSE = { normal: 1000, policy: 1008, tooBig: 1009, error: 1011, tryAgain: 1013 } as const;

/**
 * Fans one agent push stream out to every viewer of a camera. The first viewer starts the agent (`live-start`
 * with a one-time push URL); the last one leaving stops it (`live-stop` and the push socket closed). fMP4 late
 * joiners get the init segment, then the stream from the next fragment (every fragment starts at a keyframe).
 */
export class LiveRelay {
  private readonly byCamera = new Map<number, Session>();
  private readonly bySession = new Map<string, Session>();

  constructor(
    private readonly agents: LiveAgentControl,
    private readonly limits: LiveLimits,
    private readonly now: () => number = Date.now,
    private readonly log: { info(o: object, m: string): void; warn(o: object, m: string): void } = {
      info() {},
      warn() {},
    },
  ) {}

  /** Sessions running, for health and tests. */
  get sessions(): {
    cameraId: number;
    sessionId: string;
    viewers: number;
    pushing: boolean;
    bytes: number;
  }[] {
    return [...this.byCamera.values()].map((s) => ({
      cameraId: s.start.cameraId,
      sessionId: s.start.sessionId,
      viewers: s.viewers.size,
      pushing: s.push !== undefined,
      bytes: s.bytes,
    }));
  }

  /** Can a viewer of this camera join now? (Checked before the WebSocket upgrade.) */
  canJoin(cameraId: number): JoinResult | { ok: true } {
    const s = this.byCamera.get(cameraId);
    if (s && s.viewers.size >= this.limits.maxViewers) {
      return {
        ok: false,
        status: 429,
        message: `camera ${cameraId} already has ${this.limits.maxViewers} live viewers (the limit)`,
      };
    }
    return { ok: true };
  }

  /** Adds a viewer's socket; starts the camera's session when it is the first. */
  join(
    ws: WebSocket,
    p: { cameraId: number; siteId: number; format: LiveFormat; userId: number | null; pushBase: string },
  ): JoinResult {
    const check = this.canJoin(p.cameraId);
    if (!check.ok) return check as JoinResult;
    let s = this.byCamera.get(p.cameraId);
    if (!s) {
      const start: SessionStart = {
        cameraId: p.cameraId,
        siteId: p.siteId,
        sessionId: `live_${randomBytes(8).toString('hex')}`,
        format: p.format,
        token: randomBytes(24).toString('base64url'),
        userId: p.userId,
        pushBase: p.pushBase,
      };
      s = {
        start,
        viewers: new Set(),
        init: [],
        initComplete: false,
        windowStart: this.now(),
        windowBytes: 0,
        previousBytes: 0,
        previousMs: 0,
        bytes: 0,
        timers: [],
        closed: false,
      };
      this.byCamera.set(p.cameraId, s);
      this.bySession.set(start.sessionId, s);
      const session = s;
      session.timers.push(
        setTimeout(() => {
          if (!session.push) this.end(session, CLOSE.tryAgain, 'the agent did not start the stream in time');
        }, this.limits.pushConnectMs),
        setTimeout(
          () => this.end(session, CLOSE.normal, 'live view time limit reached; reconnect to continue'),
          this.limits.maxSessionMs,
        ),
      );
      for (const t of session.timers) t.unref();
      this.agents
        .start(start)
        .catch((err: unknown) =>
          this.end(session, CLOSE.error, `the agent could not start the stream: ${(err as Error).message}`),
        );
      this.log.info(
        { camera_id: p.cameraId, session: start.sessionId, format: p.format },
        'live session starting',
      );
    }
    const session = s;
    const viewer: Viewer = { ws, initialized: false, streaming: false };
    session.viewers.add(viewer);
    ws.send(
      JSON.stringify({
        type: 'live',
        camera_id: p.cameraId,
        session_id: session.start.sessionId,
        format: session.start.format,
      }),
    );
    if (session.start.format === 'fmp4' && session.initComplete) {
      for (const b of session.init) ws.send(b);
      viewer.initialized = true;
    }
    const leave = () => {
      if (!session.viewers.delete(viewer)) return;
      if (session.viewers.size === 0) this.end(session, CLOSE.normal, 'no viewer left');
    };
    ws.on('close', leave);
    ws.on('error', leave);
    return { ok: true, sessionId: session.start.sessionId, format: session.start.format };
  }

  /** The agent's push socket for a session; false (and the caller refuses it) on a bad session or token. */
  attachPush(sessionId: string, token: string, ws: WebSocket): boolean {
    const s = this.bySession.get(sessionId);
    if (!s || s.closed || s.push || !sameToken(token, s.start.token)) return false;
    s.push = ws;
    this.log.info({ camera_id: s.start.cameraId, session: sessionId }, 'live stream connected');
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.onData(s, data);
    });
    // The agent says why it stopped (camera gone, ffmpeg failed): viewers get that reason.
    ws.on('close', (_code: number, reason?: Buffer) =>
      this.end(s, CLOSE.normal, reason?.toString() || 'the camera stream ended'),
    );
    ws.on('error', () => this.end(s, CLOSE.error, 'the camera stream failed'));
    return true;
  }

  /** Ends every session (hub shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.byCamera.values()].map((s) => this.end(s, CLOSE.tryAgain, 'the hub is stopping')),
    );
  }

  private onData(s: Session, data: Buffer): void {
    const now = this.now();
    s.bytes += data.length;
    // Bandwidth over a sliding 5 s window.
    if (now - s.windowStart >= 5_000) {
      s.previousBytes = s.windowBytes;
      s.previousMs = now - s.windowStart;
      s.windowStart = now;
      s.windowBytes = 0;
    }
    s.windowBytes += data.length;
    const elapsed = s.previousMs + Math.max(s.previousMs ? 0 : 1_000, now - s.windowStart);
    if (((s.previousBytes + s.windowBytes) * 8) / elapsed > this.limits.maxKbps) {
      void this.end(s, CLOSE.policy, `the stream exceeds the ${this.limits.maxKbps} kbit/s live limit`);
      return;
    }
    if (s.start.format === 'mjpeg') {
      for (const v of s.viewers) this.send(s, v, data);
      return;
    }
    const type = data.length >= 8 ? data.toString('latin1', 4, 8) : '';
    if (type === 'ftyp' || type === 'moov') {
      s.init.push(data);
      if (type === 'moov') {
        s.initComplete = true;
        for (const v of s.viewers) {
          if (v.initialized) continue;
          for (const b of s.init) this.send(s, v, b);
          v.initialized = true;
        }
      }
      return;
    }
    for (const v of s.viewers) {
      if (!v.initialized) continue;
      if (type === 'moof') v.streaming = true;
      if (v.streaming) this.send(s, v, data);
    }
  }

  private send(s: Session, v: Viewer, data: Buffer): void {
    if (v.ws.bufferedAmount > this.limits.maxViewerBufferedBytes) {
      s.viewers.delete(v);
      v.ws.close(CLOSE.policy, 'too slow to follow the live stream');
      if (s.viewers.size === 0) void this.end(s, CLOSE.normal, 'no viewer left');
      return;
    }
    v.ws.send(data);
  }

  private async end(s: Session, code: number, reason: string): Promise<void> {
    if (s.closed) return;
    s.closed = true;
    for (const t of s.timers) clearTimeout(t);
    this.byCamera.delete(s.start.cameraId);
    this.bySession.delete(s.start.sessionId);
    for (const v of s.viewers) v.ws.close(code, reason.slice(0, 120));
    s.viewers.clear();
    s.push?.close(CLOSE.normal, reason.slice(0, 120));
    this.log.info(
      { camera_id: s.start.cameraId, session: s.start.sessionId, reason, bytes: s.bytes },
      'live session ended',
    );
    try {
      await this.agents.stop(s.start);
    } catch (err) {
      this.log.warn(
        { camera_id: s.start.cameraId, session: s.start.sessionId, err: (err as Error).message },
        'live-stop not sent',
      );
    }
  }
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
