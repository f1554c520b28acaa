import dgram from 'node:dgram';
import type { KnownEvent, TrapConfig } from '@outpost/protocol';
import snmp from 'net-snmp';
import { usmUser } from '../snmp/net-snmp-transport.js';
import type { TrapStats } from '../state/state.js';
import { type DropReason, TrapLimiter } from './limiter.js';
import { type ReceivedNotification, toTrapEvent } from './translate.js';

export interface TrapReceiverOptions {
  config: TrapConfig;
  /** Communities accepted besides `config.communities` (those of the configured v1/v2c devices). */
  deviceCommunities: readonly string[];
  /** The configured device at an address, if any. */
  deviceOf(address: string): number | undefined;
  /** Traps and drop reports, as events for the outbox. */
  emit(events: KnownEvent[]): void;
  now(): number;
  log: { warn(o: object, m: string): void; debug(o: object, m: string): void };
  /** How often drops are reported (one `trap_dropped` per sender and reason). */
  reportEveryMs?: number;
}

export interface TrapReceiver {
  /** Follows a new device list and new limits without closing the socket. */
  update(o: Pick<TrapReceiverOptions, 'deviceOf' | 'config'>): void;
  stats(): TrapStats;
  close(): Promise<void>;
}

/** A trap listen failure (the port is taken, or below 1024 without CAP_NET_BIND_SERVICE). */
export class TrapListenError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TrapListenError';
  }
}

function dropReason(err: Error): DropReason {
  // net-snmp: RequestFailedError for unknown communities/users and failed digests; ProcessingError and
  // RequestInvalidError for what cannot be decoded or is not a notification.
  return err.name === 'RequestFailedError' || /community|user|auth|digest|decrypt/i.test(err.message)
    ? 'auth'
    : 'malformed';
}

/**
 * Net-SNMP's receiver (the `net-snmp` package) on one UDP port: v1/v2c traps, v2c and v3 informs (answered by the
 * receiver, which is the authoritative engine for informs). Every packet passes the rate limiter before it is
 * decoded; what is dropped is counted and reported, never queued.
 */
export function startTrapReceiver(o: TrapReceiverOptions): Promise<TrapReceiver> {
  let config = o.config;
  let deviceOf = o.deviceOf;
  const limits = () => ({ ratePerS: config.rate_per_s, burst: config.burst, maxPerS: config.max_per_s });
  const limiter = new TrapLimiter(limits(), o.now());
  const stats: TrapStats = {
    listening: null,
    received: 0,
    forwarded: 0,
    dropped: limiter.counts,
  };
  let socket: dgram.Socket | undefined;

  // net-snmp builds its socket through this module: the limiter sees each packet before net-snmp decodes it.
  const dgramModule = {
    createSocket(type: dgram.SocketType) {
      const s = dgram.createSocket({ type, recvBufferSize: 4 * 1024 * 1024 });
      const on = s.on.bind(s);
      s.on = ((event: string, listener: (...args: unknown[]) => void) => {
        if (event !== 'message') return on(event, listener);
        return on('message', (msg: Buffer, rinfo: dgram.RemoteInfo) => {
          stats.received++;
          if (limiter.allow(rinfo.address, o.now())) listener(msg, rinfo);
        });
      }) as typeof s.on;
      socket = s;
      return s;
    },
  };

  return new Promise((resolve, reject) => {
    let started = false;
    const receiver = snmp.createReceiver(
      {
        port: config.port,
        address: config.address,
        transport: config.address.includes(':') ? 'udp6' : 'udp4',
        includeAuthentication: true,
        disableAuthorization: false,
        dgramModule,
      } as never,
      (err: (Error & { rinfo?: dgram.RemoteInfo; code?: string }) | null, data?: ReceivedNotification) => {
        if (err) {
          if (err.rinfo) {
            limiter.drop(err.rinfo.address, dropReason(err), o.now());
            o.log.debug({ source: err.rinfo.address, err: err.message }, 'trap dropped');
            return;
          }
          const code = err.code ?? 'ERROR';
          const hint =
            code === 'EACCES'
              ? `: port ${config.port} is below 1024 and the agent lacks CAP_NET_BIND_SERVICE (agent README, "Traps")`
              : code === 'EADDRINUSE'
                ? `: another program (snmptrapd?) listens on ${config.address}:${config.port}`
                : '';
          const message = `trap receiver on ${config.address}:${config.port}: ${err.message}${hint}`;
          stats.listening = null;
          stats.error = message;
          if (!started) {
            started = true;
            clearInterval(timer);
            try {
              receiver.close();
            } catch {}
            reject(new TrapListenError(code, message));
          } else o.log.warn({ err: err.message }, message);
          return;
        }
        if (!data) return;
        const source = data.rinfo.address;
        const deviceId = deviceOf(source) ?? (data.pdu.agentAddr ? deviceOf(data.pdu.agentAddr) : undefined);
        const event = toTrapEvent(data, o.now(), deviceId);
        if (!event) {
          limiter.drop(source, 'malformed', o.now());
          return;
        }
        stats.forwarded++;
        o.emit([event]);
      },
    );
    const auth = receiver.getAuthorizer();
    for (const c of new Set([...config.communities, ...o.deviceCommunities])) auth.addCommunity(c);
    for (const u of config.users) auth.addUser(usmUser(u));

    const report = () => {
      const drops = limiter.flush();
      if (drops.length === 0) return;
      const ts = o.now();
      o.emit(
        drops.map((d) => {
          const deviceId = deviceOf(d.source);
          return {
            type: 'trap_dropped',
            ts,
            source: d.source.slice(0, 64),
            ...(deviceId !== undefined ? { device_id: deviceId } : {}),
            reason: d.reason,
            dropped: d.dropped,
            since: d.since,
            total_dropped: d.total,
          } satisfies KnownEvent;
        }),
      );
    };
    const timer = setInterval(report, o.reportEveryMs ?? 10_000);
    timer.unref();

    const close = () =>
      new Promise<void>((done) => {
        clearInterval(timer);
        report();
        stats.listening = null;
        try {
          receiver.close(() => done());
        } catch {
          done();
        }
      });

    const onListening = () => {
      if (started) return;
      started = true;
      const a = socket!.address();
      stats.listening = `${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`;
      delete stats.error;
      resolve({
        update(next) {
          deviceOf = next.deviceOf;
          config = next.config;
          limiter.setLimits(limits());
        },
        stats: () => ({ ...stats, dropped: { ...limiter.counts } }),
        close,
      });
    };
    if (!socket) reject(new TrapListenError('ERROR', 'trap receiver: no socket was created'));
    else socket.once('listening', onListening);
  });
}
