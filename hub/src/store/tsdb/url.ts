import { redactUrl } from './remote-write.js';

/** Where the hub writes and reads its time series in a Prometheus-compatible TSDB. */
export interface TsdbEndpoints {
  /** Prometheus remote write 1.0 receiver. */
  writeUrl: URL;
  /** Base of the Prometheus HTTP API (`<base>/api/v1/query_range`, `/series`, ...). */
  queryUrl: URL;
  /** `Authorization: Basic ...` from credentials in the URLs (fetch refuses URLs that carry them). */
  writeHeaders: Record<string, string>;
  queryHeaders: Record<string, string>;
}

/** A TSDB setting that cannot be used, naming the setting and why. */
export class TsdbUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TsdbUrlError';
  }
}

function parse(setting: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TsdbUrlError(`${setting}: not a URL (use http(s)://host:port[/path])`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TsdbUrlError(`${setting}: ${url.protocol} is not supported (use http:// or https://)`);
  if (url.search || url.hash) throw new TsdbUrlError(`${setting}: must not have a query string or fragment`);
  return url;
}

/** Moves credentials from the URL into an Authorization header. */
function split(url: URL): { url: URL; headers: Record<string, string> } {
  if (!url.username && !url.password) return { url, headers: {} };
  const basic = Buffer.from(
    `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
  ).toString('base64');
  return { url: new URL(redactUrl(url)), headers: { Authorization: `Basic ${basic}` } };
}

const trim = (path: string) => path.replace(/\/+$/, '');

/**
 * Reads `tsdbUrl` (the TSDB's base URL: VictoriaMetrics `http://vm:8428`, Prometheus `http://prom:9090`) and
 * the optional `tsdbWriteUrl` / `tsdbQueryUrl` that override what is derived from it: `<base>/api/v1/write`
 * for remote write and `<base>` for the query API. For Mimir or Thanos, where both differ, set both.
 * Credentials in a URL (`http://user:password@host`) are sent as HTTP basic auth.
 */
export function tsdbEndpoints(opts: {
  tsdbUrl?: string | undefined;
  tsdbWriteUrl?: string | undefined;
  tsdbQueryUrl?: string | undefined;
}): TsdbEndpoints | undefined {
  const { tsdbUrl, tsdbWriteUrl, tsdbQueryUrl } = opts;
  if (!tsdbUrl && !tsdbWriteUrl && !tsdbQueryUrl) return undefined;
  if (!tsdbUrl && !(tsdbWriteUrl && tsdbQueryUrl))
    throw new TsdbUrlError('tsdbUrl: needed unless both tsdbWriteUrl and tsdbQueryUrl are set');
  const base = tsdbUrl ? parse('tsdbUrl', tsdbUrl) : undefined;
  const write = tsdbWriteUrl
    ? parse('tsdbWriteUrl', tsdbWriteUrl)
    : new URL(`${trim((base as URL).href)}/api/v1/write`);
  const query = tsdbQueryUrl ? parse('tsdbQueryUrl', tsdbQueryUrl) : (base as URL);
  if (query.pathname.endsWith('/api/v1') || query.pathname.endsWith('/api/v1/'))
    throw new TsdbUrlError(`${tsdbQueryUrl ? 'tsdbQueryUrl' : 'tsdbUrl'}: give the base, without /api/v1`);
  const w = split(write);
  const q = split(new URL(`${trim(query.href)}/`));
  return { writeUrl: w.url, queryUrl: q.url, writeHeaders: w.headers, queryHeaders: q.headers };
}
