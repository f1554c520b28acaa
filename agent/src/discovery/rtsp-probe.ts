import net from 'node:net';
import { authorization, chooseChallenge, parseChallenges } from '../camera/rtsp/auth.js';
import { Connection } from '../camera/rtsp/connection.js';
import { header } from '../camera/rtsp/message.js';
import type { Pacer } from './pacer.js';

/** A camera login to try, with the hub's id of it. */
export interface CameraCandidate {
  id: number;
  username: string;
  password: string;
}

export interface PortFinding {
  port: number;
  open: boolean;
  rtsp?: { status: number; server?: string; credential_id?: number; auth_required?: boolean };
  /** Packets this probe sent: TCP connection attempts and RTSP requests. */
  tcp: number;
  rtspRequests: number;
}

/** Whether a TCP connection opens (a SYN answered by a SYN-ACK); closed, filtered or silent otherwise. */
function connects(ip: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: ip, port });
    const done = (open: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(open);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Probes one TCP port: a connection, then on an open port an RTSP OPTIONS; when the camera then asks for
 * credentials on DESCRIBE, each camera login in turn until one is accepted. Nothing is retried.
 */
export async function probePort(
  ip: string,
  port: number,
  cameras: readonly CameraCandidate[],
  o: { timeoutMs: number; pacer: Pacer; signal?: AbortSignal },
): Promise<PortFinding> {
  const out: PortFinding = { port, open: false, tcp: 1, rtspRequests: 0 };
  await o.pacer.take(1, o.signal);
  if (!(await connects(ip, port, o.timeoutMs, o.signal))) return out;
  out.open = true;
  const uri = `rtsp://${ip}:${port}/`;
  let conn: Connection | undefined;
  try {
    conn = await Connection.open(
      { url: new URL(uri), tls: false, host: ip, port },
      { connectTimeoutMs: o.timeoutMs, tlsVerify: false },
      o.signal,
    );
    const ask = async (method: string, headers: [string, string][] = []) => {
      await o.pacer.take(1, o.signal);
      out.rtspRequests++;
      return conn!.request(
        method,
        uri,
        [['User-Agent', 'Outpost discovery'], ...headers],
        o.timeoutMs,
        o.signal,
      );
    };
    const options = await ask('OPTIONS');
    const server = header(options, 'server');
    out.rtsp = { status: options.status, ...(server ? { server: server.slice(0, 255) } : {}) };
    if (cameras.length === 0) return out;
    let res = await ask('DESCRIBE', [['Accept', 'application/sdp']]);
    if (res.status !== 401) return out;
    out.rtsp.auth_required = true;
    let chosen = chooseChallenge(parseChallenges(res.headers.get('www-authenticate') ?? []));
    for (const c of cameras) {
      if (!chosen) return out;
      const auth = authorization(chosen, c, { method: 'DESCRIBE', uri, nc: 1 });
      res = await ask('DESCRIBE', [
        ['Accept', 'application/sdp'],
        ['Authorization', auth],
      ]);
      if (res.status !== 401 && res.status !== 403) {
        out.rtsp.credential_id = c.id;
        out.rtsp.auth_required = false;
        break;
      }
      // Each refusal carries a fresh challenge (a new nonce): answer that one next.
      chosen = chooseChallenge(parseChallenges(res.headers.get('www-authenticate') ?? [])) ?? chosen;
    }
  } catch {
    // Open but not RTSP (or it hung up): the port still counts as open.
  } finally {
    conn?.close();
  }
  return out;
}
