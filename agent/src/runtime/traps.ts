import type { ConfigMessage, KnownEvent } from '@outpost/protocol';
import type { Logger } from '../logger.js';
import type { TrapStats } from '../state/state.js';
import type { TrapReceiver } from '../traps/receiver.js';

type TrapsModule = typeof import('../traps/index.js');

export interface TrapServiceOptions {
  /** Writes events to the outbox (one transaction per call). */
  record(events: KnownEvent[]): void;
  now(): number;
  log: Logger;
  /** Loads the receiver's code; it is imported only when traps are enabled (the agent's memory budget). */
  load?: () => Promise<TrapsModule>;
  /** How long received traps wait to be written together. */
  flushMs?: number;
}

/** The trap receiver as the runtime sees it: follows the config, writes traps to the outbox. */
export interface TrapService {
  apply(config: ConfigMessage): Promise<void>;
  stats(): TrapStats | undefined;
  close(): Promise<void>;
}

/** What needs a new socket when it changes (credentials included; never logged). */
function listenKey(config: ConfigMessage, communities: string[]): string {
  const t = config.traps;
  return JSON.stringify([t.port, t.address, t.communities, t.users, communities]);
}

function deviceCommunities(config: ConfigMessage): string[] {
  const out = new Set<string>();
  for (const d of config.devices) if (d.snmp.version !== '3') out.add(d.snmp.community);
  return [...out].sort();
}

/** Starts, reconfigures and stops the trap receiver as configs arrive. */
export function createTrapService(o: TrapServiceOptions): TrapService {
  const load = o.load ?? (() => import('../traps/index.js'));
  let receiver: TrapReceiver | null = null;
  let key = '';
  let lastStats: TrapStats | undefined;
  let queue: KnownEvent[] = [];
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (queue.length === 0) return;
    const events = queue;
    queue = [];
    o.record(events);
  };
  const emit = (events: KnownEvent[]) => {
    for (const e of events) queue.push(e);
    // Traps arriving together are written in one transaction; alerts wait at most flushMs for it.
    if (queue.length >= 500) flush();
    else timer ??= setTimeout(flush, o.flushMs ?? 100);
  };

  const stop = async () => {
    if (!receiver) return;
    const r = receiver;
    receiver = null;
    key = '';
    lastStats = r.stats();
    await r.close();
    flush();
  };

  const applyNow = async (config: ConfigMessage) => {
    if (!config.traps.enabled) {
      if (receiver) o.log.info({}, 'trap receiver stopped (disabled in the config)');
      await stop();
      lastStats = undefined;
      return;
    }
    const byAddress = new Map(config.devices.map((d) => [d.ip_address, d.id] as const));
    const deviceOf = (address: string) => byAddress.get(address.replace(/^::ffff:/, ''));
    const communities = deviceCommunities(config);
    const nextKey = listenKey(config, communities);
    if (receiver && nextKey === key) {
      receiver.update({ deviceOf, config: config.traps });
      return;
    }
    await stop();
    const t = config.traps;
    try {
      const mod = await load();
      receiver = await mod.startTrapReceiver({
        config: t,
        deviceCommunities: communities,
        deviceOf,
        emit,
        now: o.now,
        log: o.log,
      });
      key = nextKey;
      o.log.info({ listening: receiver.stats().listening }, 'trap receiver listening');
    } catch (err) {
      const message = (err as Error).message;
      lastStats = {
        listening: null,
        error: message,
        received: 0,
        forwarded: 0,
        dropped: { rate_limit: 0, auth: 0, malformed: 0 },
      };
      o.log.error({ err: message }, 'trap receiver not started');
      o.record([{ type: 'error', ts: o.now(), code: 'trap_listen_failed', message: message.slice(0, 2048) }]);
    }
  };

  return {
    // Configs are applied one after the other: a restart never races the previous one's socket.
    apply(config) {
      chain = chain
        .then(() => applyNow(config))
        .catch((err: unknown) => o.log.error({ err }, 'trap receiver'));
      return chain;
    },
    stats: () => receiver?.stats() ?? lastStats,
    async close() {
      await chain;
      await stop();
    },
  };
}
