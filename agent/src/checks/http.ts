import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { type CheckParams, statusMatches } from '@outpost/protocol';
import { AGENT_VERSION } from '../version.js';
import { CheckError, type CheckOutput, type CheckUnit, elapsedMs } from './types.js';

/** The body read for a keyword: the first MiB. */
const BODY_LIMIT = 1024 * 1024;
const DAY_MS = 86_400_000;

interface Hop {
  status: number;
  location?: string;
  body: string;
  cert?: { issuer: string; subject: string; validTo: number; protocol: string | null };
}

/** "CN=Test CA, O=Example" from a certificate's issuer or subject object. */
export function distinguishedName(dn: Record<string, string | string[]> | undefined): string {
  if (!dn) return '';
  return Object.entries(dn)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

/** Days until `validTo` (negative once expired), to two decimals. */
export function daysLeft(validTo: number, now: number): number {
  return Math.round(((validTo - now) / DAY_MS) * 100) / 100;
}

function sni(hostname: string): { servername?: string } {
  const host = hostname.replace(/^\[|\]$/g, '');
  return net.isIP(host) === 0 ? { servername: host } : {};
}

function request(url: URL, p: CheckParams['http'], signal: AbortSignal, readBody: boolean): Promise<Hop> {
  const secure = url.protocol === 'https:';
  const mod = secure ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: p.method,
        // A fresh connection per check: the certificate is read from it, and no socket outlives the check.
        agent: false,
        signal,
        headers: { 'user-agent': `outpost-agent/${AGENT_VERSION}`, accept: '*/*' },
        // SNI names a host, never an address (RFC 6066): none is sent for https://192.0.2.1/.
        ...(secure ? { rejectUnauthorized: p.verify_tls, ...sni(url.hostname) } : {}),
      },
      (res) => {
        const hop: Hop = { status: res.statusCode ?? 0, body: '' };
        if (typeof res.headers.location === 'string') hop.location = res.headers.location;
        if (secure) {
          const socket = res.socket as TLSSocket;
          const c = socket.getPeerCertificate?.();
          if (c?.valid_to)
            hop.cert = {
              issuer: distinguishedName(c.issuer as never),
              subject: distinguishedName(c.subject as never),
              validTo: Date.parse(c.valid_to),
              protocol: socket.getProtocol?.() ?? null,
            };
        }
        if (!readBody) {
          res.resume();
          res.once('end', () => resolve(hop));
          res.once('error', reject);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size >= BODY_LIMIT) return;
          chunks.push(chunk);
          size += chunk.length;
          if (size >= BODY_LIMIT) {
            hop.body = Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString('utf8');
            res.destroy();
            resolve(hop);
          }
        });
        res.once('end', () => {
          hop.body = Buffer.concat(chunks).toString('utf8');
          resolve(hop);
        });
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end();
  });
}

/** An HTTP(S) request with bounded redirects: status, response time, keyword, certificate days left and issuer. */
export const http_: CheckUnit<CheckParams['http']> = {
  kind: 'http',
  async run(p, { signal }) {
    const start = performance.now();
    let url = new URL(p.url);
    let redirects = 0;
    let hop: Hop;
    let cert: Hop['cert'];
    for (;;) {
      try {
        hop = await request(url, p, signal, p.method === 'GET' && p.keyword !== undefined);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        const what = e.code && /CERT|SELF_SIGNED|TLS|SSL/.test(e.code) ? 'TLS: ' : '';
        throw new CheckError(`${p.method} ${url.href}: ${what}${e.message}`, { cause: err });
      }
      if (hop.cert) cert = hop.cert;
      const redirect = hop.status >= 300 && hop.status < 400 && hop.location !== undefined;
      if (!redirect || p.max_redirects === 0) break;
      if (redirects >= p.max_redirects)
        throw new CheckError(`${url.href}: more than ${p.max_redirects} redirects (last to ${hop.location})`);
      const next = new URL(hop.location!, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:')
        throw new CheckError(`${url.href}: redirect to ${next.protocol} is not followed`);
      url = next;
      redirects++;
    }
    const ms = elapsedMs(start);
    const out: CheckOutput = {
      status: 'up',
      response_ms: ms,
      metrics: { http_response_ms: ms, http_status_code: hop.status },
      facts: { status_code: hop.status, redirects, ...(redirects > 0 ? { final_url: url.href } : {}) },
    };
    if (cert) {
      const days = daysLeft(cert.validTo, Date.now());
      out.metrics!.tls_cert_days_left = days;
      Object.assign(out.facts!, {
        cert_issuer: cert.issuer,
        cert_subject: cert.subject,
        cert_expires: new Date(cert.validTo).toISOString(),
        ...(cert.protocol ? { tls_protocol: cert.protocol } : {}),
      });
    }
    if (!statusMatches(p.expect_status, hop.status)) {
      out.status = 'down';
      out.error = `status ${hop.status} not in ${p.expect_status}`;
    } else if (p.keyword !== undefined) {
      const found = hop.body.includes(p.keyword);
      if (found === p.keyword_absent) {
        out.status = 'down';
        out.error = p.keyword_absent
          ? `keyword "${p.keyword}" found in the body`
          : `keyword "${p.keyword}" not found in the body`;
      }
    }
    return out;
  },
};
export { http_ as http };
