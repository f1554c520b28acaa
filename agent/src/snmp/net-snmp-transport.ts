import snmp from 'net-snmp';
import { SnmpError, toSnmpError } from './errors.js';
import { createLimiter, type Limiter } from './limiter.js';
import { isUnder } from './oid.js';
import type { SnmpTarget, SnmpTransport, SnmpVarbind, WalkOptions, WalkStats } from './types.js';
import { SnmpType } from './types.js';

export interface NetSnmpTransportOptions {
  /** Requests in flight across every device. */
  maxInFlight: number;
  /** Requests in flight towards one device (small devices drop bursts). */
  perDeviceInFlight?: number;
  /** Starting GETBULK max-repetitions (default 50); halved on `tooBig`, per device. */
  maxRepetitions?: number;
  onSessionError?: (id: string, err: unknown) => void;
  /** Opens the session of a device; tests pass a scripted one (the default opens a net-snmp UDP session). */
  openSession?: (target: SnmpTarget) => SessionLike;
}

type Callback<T> = (err: Error | null, result?: T) => void;

/** The part of a net-snmp Session the transport uses. */
export interface SessionLike {
  get(oids: string[], cb: Callback<SnmpVarbind[]>): unknown;
  getNext(oids: string[], cb: Callback<SnmpVarbind[]>): unknown;
  getBulk(
    oids: string[],
    nonRepeaters: number,
    maxRepetitions: number,
    cb: Callback<(SnmpVarbind | SnmpVarbind[])[]>,
  ): unknown;
  close(): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * GETBULK max-repetitions to start with: 50 rows of a column fit a 1,500-byte Ethernet frame or two, and halve
 * the requests (and the CPU, which goes mostly per request) compared with 25. Halved per device on tooBig.
 */
export const DEFAULT_MAX_REPETITIONS = 50;
/** sysUpTime.0: what the engine-discovery probe asks for (it never gets it: the user does not exist). */
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
/** A GETBULK this small that times out is not retried smaller: the device is just not answering. */
const SMALL_REQUEST = 10;

interface DeviceSession {
  fingerprint: string;
  session: SessionLike;
  version: '1' | '2c' | '3';
  maxRepetitions: number;
  limiter: Limiter;
}

const AUTH: Record<string, snmp.AuthProtocols> = {
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256,
  sha384: snmp.AuthProtocols.sha384,
  sha512: snmp.AuthProtocols.sha512,
};
const PRIV: Record<string, snmp.PrivProtocols> = {
  des: snmp.PrivProtocols.des,
  aes: snmp.PrivProtocols.aes,
  aes256b: snmp.PrivProtocols.aes256b,
  aes256r: snmp.PrivProtocols.aes256r,
};

/** Everything that, when changed, needs a new session (credentials included, never logged). */
function fingerprintOf(t: SnmpTarget): string {
  return JSON.stringify([t.host, t.port, t.timeoutMs, t.retries, t.credentials]);
}

/** A net-snmp USM user from SNMPv3 settings (polling credentials, or a trap receiver's inform user). */
export function usmUser(c: {
  username: string;
  security_level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
  auth_protocol?: string | undefined;
  auth_key?: string | undefined;
  priv_protocol?: string | undefined;
  priv_key?: string | undefined;
}): snmp.User {
  const user: snmp.User = { name: c.username, level: snmp.SecurityLevel[c.security_level] };
  if (c.security_level !== 'noAuthNoPriv') {
    user.authProtocol = AUTH[c.auth_protocol ?? 'sha'];
    user.authKey = c.auth_key;
  }
  if (c.security_level === 'authPriv') {
    user.privProtocol = PRIV[c.priv_protocol ?? 'aes'];
    user.privKey = c.priv_key;
  }
  return user;
}

function openNetSnmpSession(t: SnmpTarget): SessionLike {
  const common = {
    port: t.port,
    timeout: t.timeoutMs,
    retries: t.retries,
    backoff: 1,
    transport: (t.host.includes(':') ? 'udp6' : 'udp4') as 'udp4' | 'udp6',
  };
  const c = t.credentials;
  if (c.version === '3') {
    return snmp.createV3Session(t.host, usmUser(c), {
      ...common,
      version: snmp.Version3,
      context: c.context ?? '',
    });
  }
  return snmp.createSession(t.host, c.community, {
    ...common,
    version: c.version === '1' ? snmp.Version1 : snmp.Version2c,
  }) as unknown as SessionLike;
}

/** The real transport over net-snmp: one UDP session per device, reused until forgotten or changed. */
export function createNetSnmpTransport(options: NetSnmpTransportOptions): SnmpTransport {
  const global = createLimiter(options.maxInFlight);
  const perDevice = options.perDeviceInFlight ?? 4;
  const startRepetitions = options.maxRepetitions ?? DEFAULT_MAX_REPETITIONS;
  const sessions = new Map<string, DeviceSession>();

  function sessionFor(t: SnmpTarget): DeviceSession {
    const fingerprint = fingerprintOf(t);
    const existing = sessions.get(t.id);
    if (existing && existing.fingerprint === fingerprint) return existing;
    if (existing) closeSession(t.id, existing);
    const session = (options.openSession ?? openNetSnmpSession)(t);
    // net-snmp emits 'error' for undecodable datagrams; without a listener that would crash the process.
    session.on('error', (err) => options.onSessionError?.(t.id, err));
    const ds: DeviceSession = {
      fingerprint,
      session,
      version: t.credentials.version,
      maxRepetitions: startRepetitions,
      limiter: createLimiter(perDevice),
    };
    sessions.set(t.id, ds);
    return ds;
  }

  function closeSession(id: string, ds: DeviceSession): void {
    sessions.delete(id);
    try {
      ds.session.close();
    } catch {
      // already closed
    }
  }

  /** Runs one request under the device and global limits. */
  function request<T>(ds: DeviceSession, send: (cb: (err: unknown, result?: T) => void) => void): Promise<T> {
    return ds.limiter.run(() =>
      global.run(
        () =>
          new Promise<T>((resolve, reject) => {
            try {
              send((err, result) => (err ? reject(toSnmpError(err)) : resolve(result as T)));
            } catch (err) {
              reject(toSnmpError(err));
            }
          }),
      ),
    );
  }

  async function get(t: SnmpTarget, oids: string[]): Promise<SnmpVarbind[]> {
    const ds = sessionFor(t);
    try {
      return await request<SnmpVarbind[]>(ds, (cb) => ds.session.get(oids, cb));
    } catch (err) {
      // SNMPv1 answers a GET with a missing object by noSuchName for the whole PDU: retry one by one.
      if (err instanceof SnmpError && err.code === 'no_such_name' && ds.version === '1' && oids.length > 1) {
        const out: SnmpVarbind[] = [];
        for (const oid of oids) {
          try {
            out.push(...(await request<SnmpVarbind[]>(ds, (cb) => ds.session.get([oid], cb))));
          } catch (e) {
            if (!(e instanceof SnmpError && e.code === 'no_such_name')) throw e;
            out.push({ oid, type: SnmpType.NoSuchObject, value: null });
          }
        }
        return out;
      }
      throw err;
    }
  }

  async function walk(
    t: SnmpTarget,
    root: string,
    onVarbinds: (varbinds: SnmpVarbind[]) => void,
    opts: WalkOptions = {},
  ): Promise<WalkStats> {
    const ds = sessionFor(t);
    const maxRows = opts.maxRows ?? Number.POSITIVE_INFINITY;
    const stats: WalkStats = { varbinds: 0, requests: 0, truncated: false };
    let current = root;
    let shrunkOnTimeout = false;
    for (;;) {
      if (opts.signal?.aborted) throw new SnmpError('aborted', 'walk aborted');
      let batch: SnmpVarbind[];
      if (ds.version === '1') {
        try {
          stats.requests++;
          batch = await request<SnmpVarbind[]>(ds, (cb) => ds.session.getNext([current], cb));
        } catch (err) {
          if (err instanceof SnmpError && err.code === 'no_such_name') break; // v1 end of MIB view
          throw err;
        }
      } else {
        // A walk of unknown size asks for maxRepetitions rows; one whose size the previous poll told us asks for
        // just what is left (+1 to see the end), up to twice that, so a column usually takes one request.
        const remaining = opts.expectedRows !== undefined ? opts.expectedRows - stats.varbinds : -1;
        const want = remaining >= 0 ? Math.min(remaining + 1, ds.maxRepetitions * 2) : ds.maxRepetitions;
        const reps = Math.max(1, Math.min(want, maxRows - stats.varbinds + 1));
        try {
          stats.requests++;
          const res = await request<(SnmpVarbind | SnmpVarbind[])[]>(ds, (cb) =>
            ds.session.getBulk([current], 0, reps, cb),
          );
          batch = (res[0] as SnmpVarbind[] | undefined) ?? [];
        } catch (err) {
          const code = err instanceof SnmpError ? err.code : undefined;
          // tooBig: the agent says the answer does not fit. A timeout of a large request may be the same
          // problem on agents that drop what they cannot send: retry it once, smaller.
          const shrink =
            (code === 'too_big' && reps > 1) ||
            (code === 'timeout' && reps > SMALL_REQUEST && !shrunkOnTimeout);
          if (shrink) {
            if (code === 'timeout') shrunkOnTimeout = true;
            ds.maxRepetitions = Math.max(1, Math.floor(Math.min(ds.maxRepetitions, reps) / 2));
            continue;
          }
          throw err;
        }
      }
      let end = batch.length === 0;
      let n = 0;
      for (const vb of batch) {
        if (vb.type === SnmpType.EndOfMibView || !isUnder(vb.oid, root)) {
          end = true;
          break;
        }
        n++;
      }
      if (n > 0) {
        const last = batch[n - 1]!.oid;
        if (last === current) throw new SnmpError('invalid_response', `walk ${root}: agent repeated ${last}`);
        let slice = n === batch.length ? batch : batch.slice(0, n);
        if (stats.varbinds + slice.length > maxRows || (stats.varbinds + slice.length === maxRows && !end)) {
          slice = slice.slice(0, maxRows - stats.varbinds);
          stats.truncated = true;
          end = true;
        }
        stats.varbinds += slice.length;
        onVarbinds(slice);
        current = last;
      }
      if (end) break;
    }
    return stats;
  }

  /** Engine discovery with a user no agent has: any answer (a USM report) means an SNMP engine is there. */
  async function probeEngine(t: SnmpTarget): Promise<boolean> {
    return global.run(
      () =>
        new Promise<boolean>((resolve) => {
          let session: SessionLike;
          try {
            session = snmp.createV3Session(
              t.host,
              { name: 'outpost-discovery', level: snmp.SecurityLevel.noAuthNoPriv },
              {
                port: t.port,
                timeout: t.timeoutMs,
                retries: 0,
                transport: t.host.includes(':') ? 'udp6' : 'udp4',
                version: snmp.Version3,
              },
            ) as unknown as SessionLike;
          } catch {
            resolve(false);
            return;
          }
          session.on('error', () => {});
          const done = (answered: boolean) => {
            try {
              session.close();
            } catch {
              // already closed
            }
            resolve(answered);
          };
          try {
            session.get([SYS_UPTIME], (err) => {
              const name = (err as { name?: string } | null)?.name;
              // A report (unknown user, unknown engine ...) or a response: something answered.
              done(!err || name === 'ResponseInvalidError' || name === 'RequestFailedError');
            });
          } catch {
            done(false);
          }
        }),
    );
  }

  return {
    get,
    walk,
    probeEngine,
    forget(id) {
      const ds = sessions.get(id);
      if (ds) closeSession(id, ds);
    },
    close() {
      for (const [id, ds] of [...sessions]) closeSession(id, ds);
    },
  };
}
