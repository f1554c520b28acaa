import { streamSSE } from 'hono/streaming';
import type { HubContext } from '../../context.js';
import type { HubEventMap } from '../../events.js';
import { activeUser, registerRaw } from '../access.js';
import { ApiError } from '../errors.js';
import type { RouteModule } from '../types.js';

/** Hub events forwarded to dashboards, with the SSE event name each gets. */
const FORWARDED = [
  'device.status',
  'check.status',
  'camera.status',
  'agent.status',
  'alert.changed',
  'job.changed',
  'rollout.changed',
  'topology.changed',
] as const;

/**
 * The site a forwarded event is about, or null when none (a rollout): a caller limited to some sites gets only
 * events of its sites.
 */
export function eventSite(payload: unknown): number | null {
  const p = payload as { site_id?: unknown; alert?: { site_id?: unknown }; job?: { site_id?: unknown } };
  const site = p.site_id ?? p.alert?.site_id ?? p.job?.site_id;
  return typeof site === 'number' ? site : null;
}

/** Seconds between heartbeat comments, so proxies keep the stream open and dead clients are noticed. */
const HEARTBEAT_MS = 15_000;
/** Longest a timer may wait (setTimeout's limit). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Open streams per user and in all, per hub: the caps of `sseMaxPerUser` and `sseMaxConnections`. */
class StreamCount {
  readonly byUser = new Map<number, number>();
  total = 0;

  /** Takes a slot for the user, or says which cap is reached. */
  take(userId: number, perUser: number, total: number): string | undefined {
    const mine = this.byUser.get(userId) ?? 0;
    if (mine >= perUser) return `you already have ${mine} event streams open (sseMaxPerUser)`;
    if (this.total >= total)
      return `the hub serves its maximum of ${total} event streams (sseMaxConnections)`;
    this.byUser.set(userId, mine + 1);
    this.total++;
    return undefined;
  }

  release(userId: number): void {
    const mine = (this.byUser.get(userId) ?? 1) - 1;
    if (mine > 0) this.byUser.set(userId, mine);
    else this.byUser.delete(userId);
    this.total--;
  }
}
const counts = new WeakMap<HubContext, StreamCount>();

/** The open event streams of a hub (tests, health). */
export function eventStreams(hub: HubContext): { total: number; byUser: ReadonlyMap<number, number> } {
  const c = counts.get(hub);
  return { total: c?.total ?? 0, byUser: c?.byUser ?? new Map() };
}

export const eventsRoutes: RouteModule = {
  name: 'events',
  register(app, hub) {
    const count = new StreamCount();
    counts.set(hub, count);
    registerRaw(
      app,
      {
        method: 'get',
        path: '/api/v1/events',
        access: 'viewer',
        site: 'own',
        tags: ['events'],
        summary:
          'Live events as Server-Sent Events: device.status, check.status, camera.status, agent.status, alert.changed, ' +
          "job.changed, topology.changed (a site's discovered list or map), rollout.changed. " +
          'Token in Authorization, or ?access_token= with a stream token of scope "events" (EventSource cannot ' +
          'send headers). The stream ends with an `end` event when the token it was opened with expires or the ' +
          'user is disabled, deleted, changes password or scope; a user limited to some sites gets only the events ' +
          'of those sites (no rollout.changed); at most sseMaxPerUser streams per user (429 beyond)',
        queryTokenScope: () => 'events',
        responses: {
          200: {
            description: 'An event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          429: { description: 'Too many open streams for this user or for the hub' },
        },
      },
      (c) => {
        const user = c.var.user!;
        const auth = c.var.auth!;
        const refused = count.take(user.id, hub.config.sseMaxPerUser, hub.config.sseMaxConnections);
        if (refused) throw new ApiError(429, 'too_many_streams', refused, undefined, { 'Retry-After': '30' });
        return streamSSE(c, async (stream) => {
          const queue: { event: string; data: string }[] = [];
          let wake: (() => void) | undefined;
          let ended: string | undefined;
          const end = (reason: string) => {
            ended ??= reason;
            wake?.();
          };
          /** Why the stream must end now: its token expired, or the user is no longer allowed. */
          let checkedAt = 0;
          const invalid = async (force = false): Promise<string | undefined> => {
            const now = hub.clock();
            if (now >= auth.validUntil) return 'token expired';
            // The user row is read at most once a second per stream (user.changed forces it).
            if (!force && now - checkedAt < 1000) return undefined;
            checkedAt = now;
            const u = await activeUser(hub.store, { userId: user.id, issuedAt: auth.issuedAt });
            return typeof u === 'string' ? u : undefined;
          };
          const recheck = () =>
            invalid(true)
              .then((why) => {
                if (why) end(why);
              })
              .catch((err: unknown) => hub.logger.error({ err }, 'event stream re-check failed'));
          const sites = user.sites === undefined ? undefined : new Set(user.sites);
          const push = (event: string, data: unknown) => {
            // A client that stops reading is cut off rather than buffering without bound.
            if (queue.length > 1000) {
              stream.abort();
              return;
            }
            queue.push({ event, data: JSON.stringify(data) });
            wake?.();
          };
          const offs = FORWARDED.map((name) =>
            hub.events.on(name, (payload: HubEventMap[typeof name]) => {
              if (sites) {
                const site = eventSite(payload);
                if (site === null || !sites.has(site)) return;
              }
              push(name, payload);
            }),
          );
          offs.push(
            hub.events.on('user.changed', (e) => {
              if (e.user_id !== user.id) return;
              // The stream was opened with the old scope: the client reconnects with the new one.
              if (e.change === 'scope') end('scope changed');
              else void recheck();
            }),
          );
          // Heartbeats also re-check the user: a change made by the CLI (another process) emits no event here.
          const heartbeat = setInterval(() => {
            void recheck();
            push('heartbeat', { ts: hub.clock() });
          }, HEARTBEAT_MS);
          const expiry = setTimeout(
            () => end('token expired'),
            Math.min(MAX_TIMER_MS, Math.max(0, auth.validUntil - hub.clock())),
          );
          stream.onAbort(() => end('client left'));
          try {
            await stream.writeSSE({ event: 'ready', data: JSON.stringify({ ts: hub.clock() }) });
            let id = 0;
            while (!ended) {
              const next = queue.shift();
              if (next) {
                // Nothing more is sent on a credential that is no longer good.
                const why = await invalid();
                if (why) {
                  end(why);
                  break;
                }
                await stream.writeSSE({ ...next, id: String(++id) });
                continue;
              }
              await new Promise<void>((resolve) => {
                wake = resolve;
              });
              wake = undefined;
            }
            if (ended !== 'client left') {
              await stream.writeSSE({ event: 'end', data: JSON.stringify({ reason: ended }) });
            }
          } finally {
            clearInterval(heartbeat);
            clearTimeout(expiry);
            for (const off of offs) off();
            count.release(user.id);
          }
        });
      },
    );
  },
};
