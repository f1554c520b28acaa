import {
  authLabel,
  authorization,
  type ChosenAuth,
  type Credentials,
  chooseChallenge,
  parseChallenges,
} from './auth.js';
import { Connection, type Target } from './connection.js';
import { RtspError } from './errors.js';
import { header, type RtspResponse } from './message.js';
import { redact } from './redact.js';

export interface DescribeOptions {
  /** rtsp:// or rtsps:// URL without credentials. */
  url: string;
  username?: string;
  password?: string;
  /** TCP (and TLS) connect deadline. */
  connectTimeoutMs?: number;
  /** Deadline for each response. */
  responseTimeoutMs?: number;
  /** Most redirects followed (301, 302, 303, 305, 307). */
  maxRedirects?: number;
  /**
   * Verify the server certificate for rtsps (default true). A camera with a self-signed certificate needs its
   * CA in NODE_EXTRA_CA_CERTS, or the agent setting rtsp_tls_verify=false.
   */
  tlsVerify?: boolean;
  signal?: AbortSignal;
  userAgent?: string;
  /** Monotonic milliseconds; injected in tests. */
  now?: () => number;
}

export interface DescribeResult {
  /** Final URL after redirects, without credentials. */
  url: string;
  /** Content-Base (or the final URL) against which SDP controls resolve. */
  contentBase: string;
  sdp: string;
  server?: string;
  /** Methods from OPTIONS' Public header. */
  methods: string[];
  /** `none`, `basic`, `digest-md5`, `digest-sha256`. */
  auth: string;
  timings: { connectMs: number; optionsMs?: number; describeMs: number };
  redirects: number;
  /** The final URL is on the scheme, host and port first asked: only there may the credentials go. */
  sameOrigin: boolean;
}

/** `rtsps://host:322`: where credentials would go (another scheme, host or port is another server). */
export function targetOrigin(t: Target): string {
  return `${t.tls ? 'rtsps' : 'rtsp'}://${t.host.toLowerCase()}:${t.port}`;
}

function parseTarget(raw: string): Target {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RtspError('bad_url', `invalid URL ${redact(raw)}`);
  }
  const scheme = url.protocol.toLowerCase();
  if (scheme !== 'rtsp:' && scheme !== 'rtsps:')
    throw new RtspError('bad_url', `not an rtsp URL: ${redact(raw)}`);
  if (!url.hostname) throw new RtspError('bad_url', `no host in ${redact(raw)}`);
  const secure = scheme === 'rtsps:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { url, tls: secure, host, port: url.port ? Number(url.port) : secure ? 322 : 554 };
}

/** The URL as written on the request line: no credentials. */
function requestUri(url: URL): string {
  const u = new URL(url.toString());
  u.username = '';
  u.password = '';
  return u.toString();
}

const REDIRECTS = new Set([301, 302, 303, 305, 307]);

/**
 * OPTIONS then DESCRIBE one stream, answering Basic or Digest challenges and following redirects. Resolves with
 * the SDP; rejects with an `RtspError` whose message never holds credentials.
 */
export async function describe(options: DescribeOptions): Promise<DescribeResult> {
  const now = options.now ?? (() => performance.now());
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const responseTimeoutMs = options.responseTimeoutMs ?? 5_000;
  const maxRedirects = options.maxRedirects ?? 3;
  const configured: Credentials | undefined = options.username
    ? { username: options.username, password: options.password ?? '' }
    : undefined;
  const secrets = [options.password, options.username];
  const userAgent = options.userAgent ?? 'Outpost';
  let target = parseTarget(options.url);
  const home = targetOrigin(target);
  let redirects = 0;
  try {
    for (;;) {
      const t0 = now();
      // Credentials go only to the server they were configured for: a redirect to another scheme, host or
      // port (Basic would hand over the password itself, and rtsp:// would send it in clear) gets none.
      const sameOrigin = targetOrigin(target) === home;
      const creds = sameOrigin ? configured : undefined;
      const conn = await Connection.open(
        target,
        { connectTimeoutMs, tlsVerify: options.tlsVerify ?? true },
        options.signal,
      );
      try {
        const connectMs = now() - t0;
        const uri = requestUri(target.url);
        let auth: ChosenAuth | undefined;
        const nonceCounts = new Map<string, number>();
        const send = async (method: string, extra: [string, string][]): Promise<RtspResponse> => {
          let staleRetried = false;
          let answered = false;
          for (;;) {
            const headers: [string, string][] = [['User-Agent', userAgent], ...extra];
            if (auth && creds) {
              const nonce = auth.challenge.params.nonce ?? '';
              const nc = (nonceCounts.get(nonce) ?? 0) + 1;
              nonceCounts.set(nonce, nc);
              headers.push(['Authorization', authorization(auth, creds, { method, uri, nc })]);
            }
            const res = await conn.request(method, uri, headers, responseTimeoutMs, options.signal);
            if (res.status !== 401) return res;
            const offered = parseChallenges(res.headers.get('www-authenticate') ?? []);
            const chosen = chooseChallenge(offered);
            if (!creds) {
              if (method === 'OPTIONS') return res;
              throw new RtspError(
                'auth_required',
                configured
                  ? `${method} ${redact(uri)}: redirected from ${home} to ${targetOrigin(target)}, which asks for credentials (${describeOffer(offered)}); they are only sent to ${home}`
                  : `${method} ${redact(uri)}: the camera asks for credentials (${describeOffer(offered)}) and none are configured`,
                401,
              );
            }
            if (!chosen) {
              throw new RtspError(
                'auth_failed',
                `${method} ${redact(uri)}: no supported authentication offered (${describeOffer(offered)})`,
                401,
              );
            }
            // RFC 7616 3.3: stale=true means only the nonce expired; retry once with the new one.
            const stale = auth !== undefined && chosen.challenge.params.stale?.toLowerCase() === 'true';
            if (answered && !(stale && !staleRetried)) {
              throw new RtspError(
                'auth_failed',
                `${method} ${redact(uri)}: credentials rejected (${authLabel(auth)})`,
                401,
              );
            }
            if (stale) staleRetried = true;
            answered = true;
            auth = chosen;
          }
        };

        const tOptions = now();
        const opt = await send('OPTIONS', []);
        const optionsMs = now() - tOptions;
        if (REDIRECTS.has(opt.status)) {
          target = redirectTarget(opt, target, ++redirects, maxRedirects);
          continue;
        }
        const methods = (header(opt, 'public') ?? '')
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean);

        const tDescribe = now();
        const res = await send('DESCRIBE', [['Accept', 'application/sdp']]);
        const describeMs = now() - tDescribe;
        if (REDIRECTS.has(res.status)) {
          target = redirectTarget(res, target, ++redirects, maxRedirects);
          continue;
        }
        if (res.status === 404)
          throw new RtspError(
            'not_found',
            `DESCRIBE ${redact(uri)}: 404 ${res.reason || 'Not Found'} (wrong stream path?)`,
            404,
          );
        if (res.status === 403)
          throw new RtspError(
            'auth_failed',
            `DESCRIBE ${redact(uri)}: 403 ${res.reason || 'Forbidden'}`,
            403,
          );
        if (res.status !== 200)
          throw new RtspError(
            'status',
            `DESCRIBE ${redact(uri)}: ${res.status} ${res.reason}`.trim(),
            res.status,
          );
        const sdp = res.body.toString('utf8');
        if (!/^v=0/m.test(sdp))
          throw new RtspError('protocol', `DESCRIBE ${redact(uri)}: the answer holds no SDP`);
        const result: DescribeResult = {
          url: redact(uri),
          contentBase: redact(header(res, 'content-base') ?? header(res, 'content-location') ?? uri),
          sdp,
          methods,
          auth: authLabel(auth),
          timings: { connectMs, optionsMs, describeMs },
          redirects,
          sameOrigin,
        };
        const server = header(res, 'server') ?? header(opt, 'server');
        if (server) result.server = server;
        return result;
      } finally {
        conn.close();
      }
    }
  } catch (err) {
    if (err instanceof RtspError) {
      const clean = redact(err.message, secrets);
      if (clean === err.message) throw err;
      throw new RtspError(err.code, clean, err.status);
    }
    throw new RtspError('network', redact(String((err as Error)?.message ?? err), secrets), undefined, {
      cause: err,
    });
  }
}

function describeOffer(challenges: { rawScheme: string; params: Record<string, string> }[]): string {
  if (challenges.length === 0) return 'no challenge';
  return challenges
    .map((c) => (c.params.algorithm ? `${c.rawScheme} ${c.params.algorithm}` : c.rawScheme))
    .join(', ');
}

function redirectTarget(res: RtspResponse, from: Target, count: number, max: number): Target {
  const location = header(res, 'location');
  if (!location) throw new RtspError('redirect', `${res.status} without a Location header`, res.status);
  if (count > max)
    throw new RtspError('redirect', `more than ${max} redirects (last to ${redact(location)})`, res.status);
  let next: URL;
  try {
    next = new URL(location, from.url);
  } catch {
    throw new RtspError('redirect', `bad redirect Location ${redact(location)}`, res.status);
  }
  // Keep credentials out of the followed URL: they travel in Authorization only.
  next.username = '';
  next.password = '';
  return parseTarget(next.toString());
}
