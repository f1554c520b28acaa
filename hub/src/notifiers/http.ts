import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { TargetBlockedError, type TargetPolicy } from '../net/target-policy.js';
import { DeliveryError, type DeliveryReceipt } from './types.js';

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from `now`; undefined when absent or bad. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A URL safe to log: no user info, no query string (webhook tokens often live in paths and queries). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = u.pathname.split('/').slice(0, 3).join('/');
    return `${u.protocol}//${u.host}${path}${u.pathname.split('/').length > 3 ? '/...' : ''}`;
  } catch {
    return '<invalid url>';
  }
}

/** Most response bytes read (and thrown away): a receiver's body is never kept, logged or shown. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs a body and turns every failure into a DeliveryError: 2xx succeeds; 429 carries Retry-After; other
 * 4xx (except 408) are permanent; 5xx, timeouts and network errors are retried. The connection goes only to
 * addresses `targets` allows (checked on the resolved addresses); redirects are not followed. Neither the
 * receipt nor the error holds the response body: a channel pointed at some internal service must not turn the
 * test button and the delivery log into a way to read it.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  targets: TargetPolicy,
): Promise<DeliveryReceipt> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DeliveryError('POST <invalid url>: not a URL', { permanent: true });
  }
  const request = u.protocol === 'https:' ? httpsRequest : u.protocol === 'http:' ? httpRequest : undefined;
  if (!request) throw new DeliveryError(`POST ${redactUrl(url)}: not an http(s) URL`, { permanent: true });
  let res: { status: number; retryAfter: string | null };
  try {
    targets.checkLiteral(u.hostname);
    res = await new Promise((resolve, reject) => {
      const req = request(
        u,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': 'outpost-hub',
            ...headers,
          },
          signal,
          lookup: targets.lookup,
        },
        (r) => {
          let read = 0;
          r.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES) r.destroy();
          });
          const done = () =>
            resolve({ status: r.statusCode ?? 0, retryAfter: headerOf(r.headers['retry-after']) });
          r.on('end', done);
          r.on('close', done);
          r.on('error', done);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  } catch (err) {
    const e = err as Error & { code?: string };
    const blocked = e instanceof TargetBlockedError || e.cause instanceof TargetBlockedError;
    const why = signal.aborted ? 'timed out' : blocked ? e.message : (e.code ?? e.message);
    throw new DeliveryError(`POST ${redactUrl(url)}: ${why}`, { cause: err, permanent: blocked });
  }
  if (res.status >= 200 && res.status < 300) return { status_code: res.status };
  const message = `POST ${redactUrl(url)}: HTTP ${res.status}`;
  if (res.status === 429) {
    throw new DeliveryError(message, {
      statusCode: 429,
      retryAfterMs: parseRetryAfter(res.retryAfter, Date.now()),
    });
  }
  const permanent = res.status >= 300 && res.status < 500 && res.status !== 408;
  throw new DeliveryError(message, { statusCode: res.status, permanent });
}

function headerOf(v: string | string[] | undefined): string | null {
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}
