import type { SecretBox } from '../crypto/secrets.js';
import type { Logger } from '../logger.js';
import type { TargetPolicy } from '../net/target-policy.js';
import type { AnyNotifier } from '../notifiers/index.js';
import type { NotificationMessage } from '../notifiers/types.js';
import type { OutboxRow } from '../store/notifications.js';
import type { HubStore } from '../store/port.js';
import { deliver } from './deliver.js';

export interface DispatcherOptions {
  store: HubStore;
  secrets: SecretBox;
  /** Where deliveries may connect (notify/targets.ts). */
  targets: TargetPolicy;
  logger: Logger;
  clock: () => number;
  notifiers?: ReadonlyMap<string, AnyNotifier>;
  /** Hard limit per delivery attempt. */
  timeoutMs?: number;
  /** Attempts before a message is given up (marked failed). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often the outbox is checked for rows whose retry time came (kick() wakes it sooner). */
  pollMs?: number;
  /** Called after every attempt (metrics). */
  onAttempt?: (row: OutboxRow, channelType: string, ok: boolean) => void;
}

/** The backoff before attempt `attempt + 1`: base * 2^(attempt-1), capped, with up to 10 % jitter. */
export function backoffMs(attempt: number, base: number, max: number, random = Math.random): number {
  const raw = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (1 + 0.1 * random()));
}

/**
 * Delivers the notification outbox. Each channel has at most one message in flight, so a slow or failing
 * channel only delays itself: other channels, and alert evaluation (which only writes rows), go on.
 */
export class Dispatcher {
  private readonly busy = new Set<number>();
  private readonly inFlight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private scheduled = false;
  /** A pass over the due rows is running; `again` asks for one more when it ends (never two at once). */
  private running = false;
  private again = false;
  private pass: Promise<void> | undefined;
  private stopped = true;
  private readonly o: Required<Omit<DispatcherOptions, 'notifiers' | 'onAttempt'>> &
    Pick<DispatcherOptions, 'notifiers' | 'onAttempt'>;

  constructor(opts: DispatcherOptions) {
    this.o = {
      timeoutMs: 10_000,
      maxAttempts: 8,
      baseBackoffMs: 5_000,
      maxBackoffMs: 3_600_000,
      pollMs: 1_000,
      ...opts,
    };
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.o.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Looks for due messages soon (called after enqueueing). */
  kick(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.running) {
        this.again = true;
        return;
      }
      this.running = true;
      this.pass = this.run()
        .catch((err) => this.o.logger.error({ err }, 'notification dispatch failed'))
        .finally(() => {
          this.running = false;
          if (this.again) {
            this.again = false;
            this.kick();
          }
        });
    });
  }

  /** Stops taking new work and waits for the attempts in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.pass;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Queues a message and wakes the dispatcher. */
  async enqueue(channelId: number, alertId: number | null, message: NotificationMessage): Promise<number> {
    const id = await this.o.store.notifications.enqueue(
      channelId,
      alertId,
      message.kind,
      message,
      this.o.clock(),
    );
    this.kick();
    return id;
  }

  private async run(): Promise<void> {
    const now = this.o.clock();
    for (const row of await this.o.store.notifications.due(now, 200)) {
      if (this.busy.has(row.channel_id) || this.stopped) continue;
      this.busy.add(row.channel_id);
      const p = this.attempt(row)
        .catch((err) => this.o.logger.error({ err, outbox_id: row.id }, 'notification attempt failed'))
        .finally(() => {
          this.busy.delete(row.channel_id);
          this.inFlight.delete(p);
          this.kick();
        });
      this.inFlight.add(p);
    }
  }

  private async attempt(row: OutboxRow): Promise<void> {
    const outbox = this.o.store.notifications;
    const channel = await this.o.store.channels.get(row.channel_id);
    const ts = this.o.clock();
    if (channel?.enabled !== 1) {
      const error = channel
        ? `channel ${channel.id} (${channel.name}) is disabled`
        : `channel ${row.channel_id} is gone`;
      await outbox.recordAttempt(row.id, { ts, ok: false, error, durationMs: 0 }, { status: 'failed' });
      return;
    }
    const message = JSON.parse(row.payload) as NotificationMessage;
    const r = await deliver(channel, message, `outbox-${row.id}`, {
      secrets: this.o.secrets,
      timeoutMs: this.o.timeoutMs,
      targets: this.o.targets,
      notifiers: this.o.notifiers,
    });
    const done = this.o.clock();
    const attempt = {
      ts: done,
      ok: r.ok,
      statusCode: r.statusCode,
      error: r.error,
      durationMs: r.durationMs,
    };
    const log = { outbox_id: row.id, alert_id: row.alert_id, channel: channel.name, kind: row.kind };
    this.o.onAttempt?.(row, channel.type, r.ok);
    if (r.ok) {
      await outbox.recordAttempt(row.id, attempt, { status: 'delivered' });
      this.o.logger.info({ ...log, duration_ms: r.durationMs }, 'notification delivered');
      return;
    }
    const attempts = row.attempts + 1;
    if (r.permanent || attempts >= this.o.maxAttempts) {
      await outbox.recordAttempt(row.id, attempt, { status: 'failed' });
      this.o.logger.warn({ ...log, attempts, err: r.error }, 'notification given up');
      return;
    }
    // 429: the receiver says when to come back; it wins over our backoff (bounded by the longest backoff).
    const delay =
      r.retryAfterMs !== undefined
        ? Math.min(r.retryAfterMs, this.o.maxBackoffMs)
        : backoffMs(attempts, this.o.baseBackoffMs, this.o.maxBackoffMs);
    await outbox.recordAttempt(row.id, attempt, { status: 'pending', nextAttemptAt: done + delay });
    this.o.logger.warn(
      { ...log, attempts, retry_in_ms: delay, err: r.error },
      'notification failed, will retry',
    );
  }
}
