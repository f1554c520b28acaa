import { streamSSE } from 'hono/streaming';
import type { HubEventMap } from '../../events.js';
import { registerRaw } from '../access.js';
import type { RouteModule } from '../types.js';

/** Hub events forwarded to dashboards, with the SSE event name each gets. */
const FORWARDED = ['device.status', 'camera.status', 'agent.status', 'alert.changed', 'job.changed'] as const;

/** Seconds between heartbeat comments, so proxies keep the stream open and dead clients are noticed. */
const HEARTBEAT_MS = 15_000;

export const eventsRoutes: RouteModule = {
  name: 'events',
  register(app, hub) {
    registerRaw(
      app,
      {
        method: 'get',
        path: '/api/v1/events',
        access: 'viewer',
        tags: ['events'],
        summary:
          'Live events as Server-Sent Events: device.status, camera.status, agent.status, alert.changed, job.changed ' +
          '(token in Authorization or ?access_token= for EventSource)',
        allowQueryToken: true,
        responses: {
          200: {
            description: 'An event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
        },
      },
      (c) =>
        streamSSE(c, async (stream) => {
          const queue: { event: string; data: string }[] = [];
          let wake: (() => void) | undefined;
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
            hub.events.on(name, (payload: HubEventMap[typeof name]) => push(name, payload)),
          );
          const heartbeat = setInterval(() => push('heartbeat', { ts: hub.clock() }), HEARTBEAT_MS);
          let closed = false;
          stream.onAbort(() => {
            closed = true;
            wake?.();
          });
          try {
            await stream.writeSSE({ event: 'ready', data: JSON.stringify({ ts: hub.clock() }) });
            let id = 0;
            while (!closed) {
              const next = queue.shift();
              if (next) {
                await stream.writeSSE({ ...next, id: String(++id) });
                continue;
              }
              await new Promise<void>((resolve) => {
                wake = resolve;
              });
              wake = undefined;
            }
          } finally {
            clearInterval(heartbeat);
            for (const off of offs) off();
          }
        }),
    );
  },
};
