import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { activeUser } from '../api/access.js';
import { tokenService } from '../api/app.js';
import type { AccessClaims } from '../auth/tokens.js';
import { CLOSE, type LiveFormat, LiveRelay, type SessionStart } from '../camera/live-relay.js';
import type { HubContext } from '../context.js';
import type { JobDispatcher } from '../link/jobs.js';
import { refuseUpgrade } from '../net/upgrades.js';
import type { Service } from './types.js';

const VIEW_PATH = /^\/api\/v1\/cameras\/(\d+)\/live\/?$/;
const PUSH_PATH = /^\/api\/v1\/cameras\/live\/push\/([A-Za-z0-9_-]{1,64})\/?$/;

/**
 * The base of push URLs: from configuration only, never from a request header (a viewer could otherwise send
 * the agent, and the camera, anywhere). livePushUrl (this hub's own address, when several hubs share a load
 * balancer) or else publicUrl, in its WebSocket form; without either, nothing: the agent gets a path and takes
 * it on the hub it enrolled with.
 */
export function pushBaseOf(publicUrl: string | undefined, livePushUrl?: string): string {
  const base = livePushUrl ?? publicUrl;
  return base ? base.replace(/^http/i, 'ws').replace(/\/+$/, '') : '';
}

/** The push URL the agent gets in `live-start` (its token is single-use: one push socket per session). */
export function pushUrl(s: SessionStart): string {
  return `${s.pushBase}/api/v1/cameras/live/push/${s.sessionId}?token=${encodeURIComponent(s.token)}`;
}

interface Viewer {
  id: number;
  username: string;
  issuedAt: number;
  /** Milliseconds: the live view ends then (the token's expiry). */
  validUntil: number;
  /** The sites the user is limited to (a tenant); absent for every site. */
  sites?: readonly number[];
}

/**
 * The viewer from `Authorization: Bearer <access token>`, or `?access_token=` holding a stream token of scope
 * `live:<camera id>` (browsers cannot set WebSocket headers; a full access token is refused in a URL).
 */
async function viewerOf(
  ctx: HubContext,
  req: IncomingMessage,
  url: URL,
  cameraId: number,
): Promise<Viewer | string> {
  const header = req.headers.authorization;
  const bearer = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
  const query = bearer === undefined ? url.searchParams.get('access_token') : null;
  if (!bearer && !query) return 'authentication required';
  const tokens = tokenService(ctx);
  let claims: AccessClaims;
  try {
    claims = bearer
      ? await tokens.verifyAccess(bearer)
      : await tokens.verifyStream(query as string, `live:${cameraId}`);
  } catch (err) {
    return bearer
      ? (err as Error).message
      : `access_token: ${(err as Error).message}; a URL accepts only a stream token for live:${cameraId} ` +
          '(POST /api/v1/auth/stream-tokens), never a full access token';
  }
  const user = await activeUser(ctx.store, claims);
  if (typeof user === 'string') return user;
  // Every role (viewer, operator, admin) may watch, cameras of their own sites only when limited to some.
  const sites = await ctx.store.scopes.resolve({ user_id: user.id });
  return {
    id: user.id,
    username: user.username,
    issuedAt: claims.issuedAt,
    validUntil: claims.validUntil,
    ...(sites === null ? {} : { sites }),
  };
}

/** Format for a camera: fMP4 for H.264 (browsers play it), MJPEG otherwise; `?format=` overrides. */
export function chooseFormat(streamJson: string | null, asked: string | null): LiveFormat | undefined {
  if (asked === 'fmp4' || asked === 'mjpeg') return asked;
  if (asked !== null) return undefined;
  let codec: unknown;
  try {
    codec = streamJson ? (JSON.parse(streamJson) as { codec?: unknown }).codec : undefined;
  } catch {
    codec = undefined;
  }
  return codec === undefined || codec === 'H264' ? 'fmp4' : 'mjpeg';
}

/** The live relay of a hub: starts and stops the agents' pushes as `live-start`/`live-stop` jobs. */
export function createLiveRelay(
  ctx: Pick<HubContext, 'config' | 'logger'>,
  jobs: Pick<JobDispatcher, 'create'>,
): LiveRelay {
  const { config } = ctx;
  return new LiveRelay(
    {
      async start(s) {
        await jobs.create({
          type: 'live-start',
          args: { camera_id: s.cameraId, session_id: s.sessionId, format: s.format, push_url: pushUrl(s) },
          site_id: s.siteId,
          target_kind: 'camera',
          target_id: s.cameraId,
          timeout_s: 30,
          queue_timeout_s: 20,
          created_by: s.userId,
        });
      },
      async stop(s) {
        await jobs.create({
          type: 'live-stop',
          args: { camera_id: s.cameraId, session_id: s.sessionId },
          site_id: s.siteId,
          target_kind: 'camera',
          target_id: s.cameraId,
          timeout_s: 15,
          queue_timeout_s: 15,
          created_by: s.userId,
        });
      },
    },
    {
      maxViewers: config.liveMaxViewers,
      maxKbps: config.liveMaxKbps,
      maxSessionMs: config.liveMaxSessionS * 1000,
      pushConnectMs: 30_000,
      maxViewerBufferedBytes: 8 * 1024 * 1024,
    },
    () => Date.now(),
    ctx.logger.child({ part: 'live' }),
  );
}

/**
 * Live view: `GET /api/v1/cameras/{id}/live` upgrades a viewer to a WebSocket; the agent pushes the stream to
 * `/api/v1/cameras/live/push/{session}` with its one-time token. Fan-out, limits and start/stop live in the relay.
 */
export const cameraLiveService = (relay: LiveRelay): Service => ({
  name: 'camera-live',
  async start(ctx, http) {
    const { config, logger } = ctx;
    const log = logger.child({ part: 'live' });
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: 16 * 1024 * 1024,
      perMessageDeflate: false,
    });

    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => {
      const view = VIEW_PATH.exec(url.pathname);
      const push = view ? null : PUSH_PATH.exec(url.pathname);
      handle(req, socket, head, url, view, push).catch((err: unknown) => {
        log.error({ err }, 'live upgrade failed');
        refuseUpgrade(socket, 503, 'internal_error', 'live view failed');
      });
    };

    async function handle(
      req: IncomingMessage,
      socket: Duplex,
      head: Buffer,
      url: URL,
      view: RegExpExecArray | null,
      push: RegExpExecArray | null,
    ) {
      socket.on('error', () => socket.destroy());
      if (push) {
        const sessionId = push[1] as string;
        wss.handleUpgrade(req, socket, head, (ws) => {
          if (!relay.attachPush(sessionId, url.searchParams.get('token') ?? '', ws)) {
            log.warn({ session: sessionId }, 'live push refused: unknown session or bad token');
            ws.close(1008, 'unknown live session or bad token');
          }
        });
        return;
      }
      const cameraId = Number(view?.[1]);
      const user = await viewerOf(ctx, req, url, cameraId);
      if (typeof user === 'string') return refuseUpgrade(socket, 401, 'unauthorized', user);
      // The slot is taken here, before the next await: parallel upgrades of one user cannot all pass the check.
      const watching = (viewersByUser.get(user.id)?.size ?? 0) + (joining.get(user.id) ?? 0);
      if (watching >= config.liveMaxPerUser) {
        return refuseUpgrade(
          socket,
          429,
          'too_many_live_views',
          `you already watch ${watching} live views (liveMaxPerUser)`,
        );
      }
      joining.set(user.id, (joining.get(user.id) ?? 0) + 1);
      let holding = true;
      const letGo = () => {
        if (!holding) return;
        holding = false;
        const left = (joining.get(user.id) ?? 1) - 1;
        if (left > 0) joining.set(user.id, left);
        else joining.delete(user.id);
      };
      try {
        await join(req, socket, head, url, cameraId, user, letGo);
      } finally {
        letGo();
      }
    }

    /** The rest of a viewer's upgrade, its per-user slot held (`letGo` hands it to the tracked socket). */
    async function join(
      req: IncomingMessage,
      socket: Duplex,
      head: Buffer,
      url: URL,
      cameraId: number,
      user: Viewer,
      letGo: () => void,
    ) {
      const camera = Number.isInteger(cameraId) ? await ctx.store.cameras.get(cameraId) : undefined;
      // A camera of a site outside the viewer's is not found, as if it did not exist.
      if (!camera || (user.sites && !user.sites.includes(camera.site_id)))
        return refuseUpgrade(socket, 404, 'not_found', `camera ${cameraId} not found`);
      const format = chooseFormat(camera.stream_json, url.searchParams.get('format'));
      if (!format)
        return refuseUpgrade(socket, 400, 'validation_failed', 'query.format: must be fmp4 or mjpeg');
      const can = relay.canJoin(cameraId);
      if (!can.ok)
        return refuseUpgrade(
          socket,
          (can as { status: number }).status,
          'too_many_viewers',
          (can as { message: string }).message,
        );
      const pushBase = pushBaseOf(config.publicUrl, config.livePushUrl);
      wss.handleUpgrade(req, socket, head, (ws) => {
        const r = relay.join(ws, { cameraId, siteId: camera.site_id, format, userId: user.id, pushBase });
        letGo();
        if (!r.ok) ws.close(1013, r.message.slice(0, 120));
        else {
          log.info({ camera_id: cameraId, user: user.id, session: r.sessionId }, 'live viewer joined');
          track(ws, user);
        }
        // Who watched which camera, like any other action in the audit log.
        ctx.store.audit
          .record({
            ts: ctx.clock(),
            user_id: user.id,
            username: user.username,
            action: 'GET /api/v1/cameras/{id}/live',
            target_type: 'camera',
            target_id: String(cameraId),
            client_ip: req.socket.remoteAddress ?? null,
            outcome: r.ok ? 'success' : 'failure',
            status: r.ok ? 101 : 429,
            details: { format, ...(r.ok ? { session_id: r.sessionId } : {}) },
          })
          .catch((err) => log.error({ err }, 'audit record failed'));
      });
    }

    /** Live viewer sockets per user: the liveMaxPerUser cap, and who to close when a user changes. */
    const viewersByUser = new Map<number, Set<{ ws: WebSocket; viewer: Viewer }>>();
    /** Upgrades of a user past the cap check and not yet tracked (they count against liveMaxPerUser). */
    const joining = new Map<number, number>();
    /** Closes a viewer socket when its token expires, and forgets it when it closes. */
    function track(ws: WebSocket, viewer: Viewer) {
      const entry = { ws, viewer };
      const set = viewersByUser.get(viewer.id) ?? new Set();
      viewersByUser.set(viewer.id, set);
      set.add(entry);
      const expiry = setTimeout(
        () => ws.close(CLOSE.policy, 'token expired'),
        Math.min(2 ** 31 - 1, Math.max(0, viewer.validUntil - ctx.clock())),
      );
      ws.once('close', () => {
        clearTimeout(expiry);
        set.delete(entry);
        if (set.size === 0) viewersByUser.delete(viewer.id);
      });
    }
    const offUsers = ctx.events.on('user.changed', (e) => {
      for (const { ws, viewer } of viewersByUser.get(e.user_id) ?? []) {
        if (e.change === 'scope') {
          ws.close(CLOSE.policy, 'scope changed');
          continue;
        }
        void activeUser(ctx.store, { userId: viewer.id, issuedAt: viewer.issuedAt })
          .then((still) => {
            if (typeof still === 'string') ws.close(CLOSE.policy, still.slice(0, 120));
          })
          .catch((err: unknown) => log.error({ err, user: viewer.id }, 'live viewer re-check failed'));
      }
    });

    const removeUpgrade = http.upgrades.add(
      'camera-live',
      (path) => VIEW_PATH.test(path) || PUSH_PATH.test(path),
      onUpgrade,
    );
    return {
      async stop() {
        removeUpgrade();
        offUsers();
        await relay.closeAll();
        for (const c of wss.clients) c.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      },
    };
  },
});
