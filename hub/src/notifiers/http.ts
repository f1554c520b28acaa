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

/**
 * POSTs a body and turns every failure into a DeliveryError: 2xx succeeds; 429 carries Retry-After; other
 * 4xx (except 408) are permanent; 5xx, timeouts and network errors are retried.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<DeliveryReceipt> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'outpost-hub', ...headers },
      body,
      signal,
      redirect: 'manual',
    });
  } catch (err) {
    const why = signal.aborted
      ? 'timed out'
      : (((err as Error).cause as Error | undefined)?.message ?? (err as Error).message);
    throw new DeliveryError(`POST ${redactUrl(url)}: ${why}`, { cause: err });
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return { status_code: res.status, detail: text.slice(0, 200) || undefined };
  const snippet = text.slice(0, 200).replace(/\s+/g, ' ');
  const message = `POST ${redactUrl(url)}: HTTP ${res.status}${snippet ? ` ${snippet}` : ''}`;
  if (res.status === 429) {
    throw new DeliveryError(message, {
      statusCode: 429,
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), Date.now()),
    });
  }
  const permanent = res.status >= 300 && res.status < 500 && res.status !== 408;
  throw new DeliveryError(message, { statusCode: res.status, permanent });
}
