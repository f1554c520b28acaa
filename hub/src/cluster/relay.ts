import { randomBytes } from 'node:crypto';
import type { HubEventMap, HubEventName, HubEvents } from '../events.js';
import type { Logger } from '../logger.js';
import { NOTIFY_MAX_BYTES, type NotifyChannel } from '../store/cluster.js';
import { encodeEvent, parsePiece, Reassembly } from './envelope.js';

export interface RelayOptions {
  logger: Logger;
  clock?: () => number;
  /** This hub process' name on the channel (default: random). */
  origin?: string;
  /** Events waiting to be sent beyond this are dropped, oldest first, and counted (default 10,000). */
  maxQueue?: number;
  /** Pause before sending again or listening again after the database failed (default 1 s). */
  retryMs?: number;
  /**
   * Whether an event goes to the other hubs (default: every event). The cluster keeps a batch's `samples` on
   * the leader, whose alert engine is their only listener that is not in-process anyway.
   */
  relays?: (name: HubEventName) => boolean;
  /** Counts what crossed the channel: sent, received, dropped (queue full), invalid. */
  count?: (what: 'sent' | 'received' | 'dropped' | 'invalid', n: number) => void;
}

/**
 * Carries hub events between hubs that share a database (cluster/envelope.ts is the format): every event this
 * hub emits is sent on the channel, in order, several per statement when they come together; every event
 * another hub sent is emitted here as a remote event (HubEvents.emitRemote). While the database is away,
 * events queue (bounded) and the listener reconnects; events sent by others meanwhile are not replayed.
 */
export class EventRelay {
  readonly origin: string;
  readonly #reassembly = new Reassembly();
  #queue: { name: HubEventName; payload: unknown }[] = [];
  #nextId = 1;
  #sending: Promise<void> | undefined;
  #scheduled = false;
  #stopped = false;
  #undo: (() => void) | undefined;
  #sendRetry: NodeJS.Timeout | undefined;
  #listenRetry: NodeJS.Timeout | undefined;
  #errorLoggedAt = 0;

  constructor(
    private readonly events: HubEvents,
    private readonly channel: NotifyChannel,
    private readonly opts: RelayOptions,
  ) {
    this.origin = opts.origin ?? randomBytes(6).toString('hex');
    channel.onLost((err) => {
      if (this.#stopped) return;
      this.#logError(err, 'the events channel was lost; listening again');
      this.#listenLater();
    });
  }

  /** Listens on the channel, then sends every event emitted from now on. */
  async start(): Promise<void> {
    await this.channel.listen((m) => this.#receive(m));
    this.#undo = this.events.relayTo((name, payload) => this.#enqueue(name, payload));
  }

  /** Stops relaying; events still queued are sent first (bounded by the channel's timeout). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#undo?.();
    clearTimeout(this.#sendRetry);
    clearTimeout(this.#listenRetry);
    this.#scheduled = false;
    await this.#sending;
    if (this.#queue.length > 0) await this.#send().catch(() => {});
    await this.channel.close();
  }

  /** Resolves once everything queued so far has been sent (tests). */
  async flushed(): Promise<void> {
    while (this.#queue.length > 0 || this.#sending || this.#scheduled) {
      await (this.#sending ?? new Promise((r) => setImmediate(r)));
    }
  }

  #enqueue<K extends HubEventName>(name: K, payload: HubEventMap[K]): void {
    if (this.opts.relays && !this.opts.relays(name)) return;
    this.#queue.push({ name, payload });
    const max = this.opts.maxQueue ?? 10_000;
    if (this.#queue.length > max) {
      const dropped = this.#queue.length - max;
      this.#queue.splice(0, dropped);
      this.opts.count?.('dropped', dropped);
    }
    this.#schedule(0);
  }

  #schedule(delayMs: number): void {
    if (this.#scheduled || this.#sending || this.#stopped) return;
    this.#scheduled = true;
    const run = () => {
      this.#scheduled = false;
      if (this.#stopped) return; // stop() sends what is left itself
      let failed = false;
      this.#sending = this.#send()
        .catch((err) => {
          failed = true;
          this.#logError(err, 'sending events to the other hubs failed; retrying');
        })
        .finally(() => {
          this.#sending = undefined;
          if (this.#queue.length > 0) this.#schedule(failed ? (this.opts.retryMs ?? 1000) : 0);
        });
    };
    if (delayMs > 0) this.#sendRetry = setTimeout(run, delayMs);
    else setImmediate(run);
  }

  /** Sends what is queued in one statement; on failure the events stay queued (that statement did not commit). */
  async #send(): Promise<void> {
    const taken = this.#queue.slice(0, 500);
    const messages: string[] = [];
    for (const e of taken) {
      try {
        messages.push(...encodeEvent(this.origin, this.#nextId++, e.name, e.payload, NOTIFY_MAX_BYTES));
      } catch (err) {
        this.opts.count?.('invalid', 1);
        this.opts.logger.error({ err, event: e.name }, 'an event cannot be sent to the other hubs');
      }
    }
    await this.channel.send(messages);
    this.#queue.splice(0, taken.length);
    this.opts.count?.('sent', taken.length);
  }

  #receive(message: string): void {
    const piece = parsePiece(message);
    if ('error' in piece) {
      this.opts.count?.('invalid', 1);
      this.opts.logger.warn({ reason: piece.error }, 'an invalid message on the events channel was ignored');
      return;
    }
    if (piece.origin === this.origin) return;
    const event = this.#reassembly.add(piece, (this.opts.clock ?? Date.now)());
    if (!event) return;
    if ('error' in event) {
      this.opts.count?.('invalid', 1);
      this.opts.logger.warn({ reason: event.error }, 'an event from another hub was ignored');
      return;
    }
    this.opts.count?.('received', 1);
    this.events.emitRemote(event.name as HubEventName, event.payload as never);
  }

  #listenLater(): void {
    clearTimeout(this.#listenRetry);
    this.#listenRetry = setTimeout(() => {
      if (this.#stopped) return;
      this.channel
        .listen((m) => this.#receive(m))
        .catch((err) => {
          this.#logError(err, 'listening for the other hubs’ events failed; retrying');
          this.#listenLater();
        });
    }, this.opts.retryMs ?? 1000);
  }

  /** One error line per 10 s at most: a database outage must not flood the log. */
  #logError(err: unknown, msg: string): void {
    const now = (this.opts.clock ?? Date.now)();
    if (now - this.#errorLoggedAt < 10_000) return;
    this.#errorLoggedAt = now;
    this.opts.logger.error({ err }, msg);
  }
}
