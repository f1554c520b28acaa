import type { BlockList } from 'node:net';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { HubContext } from '../../context.js';
import { clientAddress, proxyList } from '../../net/client-address.js';
import type { HubEnv } from '../types.js';

const proxyLists = new WeakMap<object, BlockList>();

/** The caller's address: the socket's, or with `trustProxy` the right-most untrusted X-Forwarded-For hop. */
export function clientIp(c: Context<HubEnv>): string {
  const config = c.var.hub.config;
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined; // app.request() in tests has no socket
  }
  let proxies = proxyLists.get(config);
  if (!proxies) {
    proxies = proxyList(config.trustedProxies);
    proxyLists.set(config, proxies);
  }
  return clientAddress(peer, c.req.header('x-forwarded-for'), config, proxies);
}

function httpMetrics(registry: Registry) {
  const existing = registry.getSingleMetric('outpost_hub_http_requests_total');
  if (existing) {
    return {
      count: existing as Counter<'method' | 'route' | 'status'>,
      latency: registry.getSingleMetric('outpost_hub_http_request_duration_seconds') as Histogram<
        'method' | 'route' | 'status'
      >,
    };
  }
  return {
    count: new Counter({
      name: 'outpost_hub_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'outpost_hub_http_request_duration_seconds',
      help: 'HTTP request latency by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

/** One JSON log line and the Prometheus figures per request, labelled by route pattern (not raw path). */
export function observe(hub: HubContext): MiddlewareHandler<HubEnv> {
  const { count, latency } = httpMetrics(hub.metrics);
  return async function observeRequest(c, next) {
    const start = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - start) / 1000;
      const route = c.var.route?.path ?? 'unmatched';
      const status = String(c.res.status);
      count.inc({ method: c.req.method, route, status });
      latency.observe({ method: c.req.method, route, status }, seconds);
      hub.logger.info(
        {
          req_id: c.var.requestId,
          method: c.req.method,
          // Path only: query strings may carry tokens (?access_token=).
          path: c.req.path,
          route,
          status: c.res.status,
          ms: Math.round(seconds * 1000 * 10) / 10,
          user: c.var.user?.username,
          ip: clientIp(c),
        },
        'http request',
      );
    }
  };
}
