import { createHash, randomBytes } from 'node:crypto';

/** One authentication challenge from a `WWW-Authenticate` header. */
export interface AuthChallenge {
  scheme: 'basic' | 'digest' | 'other';
  /** The scheme as the server spelled it. */
  rawScheme: string;
  params: Record<string, string>;
}

/** The challenge we answer and how. */
export interface ChosenAuth {
  scheme: 'basic' | 'digest';
  /** For Digest: `MD5` or `SHA-256` (with `-sess` variants). */
  algorithm?: string;
  qop?: 'auth';
  challenge: AuthChallenge;
}

/** Human name of an auth method, for logs: `basic`, `digest-md5`, `digest-sha256`. */
export function authLabel(auth: ChosenAuth | undefined): string {
  if (!auth) return 'none';
  if (auth.scheme === 'basic') return 'basic';
  return `digest-${(auth.algorithm ?? 'MD5').toLowerCase().replace('-', '')}`;
}

// RFC 7235 auth-param: token "=" ( token / quoted-string )
const PARAM = /\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^\s,"]*)\s*(,|$)/y;

/**
 * Parses every challenge in one or more `WWW-Authenticate` header values. Handles several challenges in one
 * header (`Digest realm="a", nonce="b", Basic realm="a"`), quoted strings with escapes and cameras that put
 * spaces around `=` or leave quotes off.
 */
export function parseChallenges(values: string | string[]): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  for (const value of Array.isArray(values) ? values : [values]) {
    let pos = 0;
    let current: AuthChallenge | undefined;
    while (pos < value.length) {
      while (pos < value.length && /[\s,]/.test(value[pos] as string)) pos++;
      if (pos >= value.length) break;
      PARAM.lastIndex = pos;
      const param = current ? PARAM.exec(value) : null;
      if (param && current) {
        const key = (param[1] as string).toLowerCase();
        current.params[key] =
          param[3] !== undefined ? param[3].replace(/\\(.)/g, '$1') : (param[2] as string);
        pos = PARAM.lastIndex;
        continue;
      }
      const scheme = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(value.slice(pos));
      if (!scheme) break;
      const raw = scheme[0];
      const lower = raw.toLowerCase();
      current = {
        scheme: lower === 'basic' || lower === 'digest' ? lower : 'other',
        rawScheme: raw,
        params: {},
      };
      out.push(current);
      pos += raw.length;
    }
  }
  return out;
}

const ALGORITHM_RANK: Record<string, number> = { 'SHA-256': 4, 'SHA-256-SESS': 3, MD5: 2, 'MD5-SESS': 1 };

/**
 * Picks the challenge to answer: Digest over Basic (Basic sends the password in clear), and among Digest
 * challenges SHA-256 over MD5 (RFC 7616 3.7). Unknown algorithms and schemes are ignored.
 */
export function chooseChallenge(challenges: AuthChallenge[]): ChosenAuth | undefined {
  let best: { rank: number; auth: ChosenAuth } | undefined;
  for (const c of challenges) {
    let rank = 0;
    let auth: ChosenAuth | undefined;
    if (c.scheme === 'digest' && c.params.nonce !== undefined) {
      const algorithm = (c.params.algorithm ?? 'MD5').toUpperCase();
      const algRank = ALGORITHM_RANK[algorithm];
      if (algRank === undefined) continue;
      const qops = (c.params.qop ?? '').split(',').map((q) => q.trim().toLowerCase());
      // qop=auth-int alone is not supported (it hashes the body); fall back to no qop only when none is offered.
      if (c.params.qop !== undefined && !qops.includes('auth')) continue;
      rank = 10 + algRank;
      auth = { scheme: 'digest', algorithm, challenge: c };
      if (qops.includes('auth')) auth.qop = 'auth';
    } else if (c.scheme === 'basic') {
      rank = 1;
      auth = { scheme: 'basic', challenge: c };
    }
    if (auth && (!best || rank > best.rank)) best = { rank, auth };
  }
  return best?.auth;
}

export interface Credentials {
  username: string;
  password: string;
}

export interface DigestInput {
  method: string;
  /** The request URI exactly as written on the request line. */
  uri: string;
  /** Nonce count for this nonce, starting at 1. */
  nc: number;
  /** Client nonce; random when omitted. */
  cnonce?: string;
}

function hashWith(algorithm: string): (s: string) => string {
  const name = algorithm.startsWith('SHA-256') ? 'sha256' : 'md5';
  return (s) => createHash(name).update(s, 'utf8').digest('hex');
}

function quote(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

/** Builds an `Authorization` header value for the chosen challenge (RFC 7617 Basic, RFC 2617/7616 Digest). */
export function authorization(auth: ChosenAuth, creds: Credentials, input: DigestInput): string {
  if (auth.scheme === 'basic') {
    return `Basic ${Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64')}`;
  }
  const p = auth.challenge.params;
  const algorithm = auth.algorithm ?? 'MD5';
  const H = hashWith(algorithm);
  const realm = p.realm ?? '';
  const nonce = p.nonce ?? '';
  const cnonce = input.cnonce ?? randomBytes(8).toString('hex');
  const nc = input.nc.toString(16).padStart(8, '0');
  let ha1 = H(`${creds.username}:${realm}:${creds.password}`);
  if (algorithm.endsWith('-SESS')) ha1 = H(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = H(`${input.method}:${input.uri}`);
  const response = auth.qop
    ? H(`${ha1}:${nonce}:${nc}:${cnonce}:${auth.qop}:${ha2}`)
    : H(`${ha1}:${nonce}:${ha2}`);
  const parts = [
    `username=${quote(creds.username)}`,
    `realm=${quote(realm)}`,
    `nonce=${quote(nonce)}`,
    `uri=${quote(input.uri)}`,
    `response=${quote(response)}`,
  ];
  // Echo the algorithm only when the server named one: some cameras reject an algorithm they did not send.
  if (p.algorithm !== undefined) parts.push(`algorithm=${p.algorithm}`);
  if (p.opaque !== undefined) parts.push(`opaque=${quote(p.opaque)}`);
  if (auth.qop) parts.push(`qop=${auth.qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  return `Digest ${parts.join(', ')}`;
}
