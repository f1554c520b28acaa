import type { Logger } from '../logger.js';
import type { BatchLimits, Outbox, OutboxBatch } from '../outbox/types.js';

export interface ForwarderOptions {
  outbox: Outbox;
  limits: BatchLimits;
  /** Batches sent and not yet acknowledged. */
  maxInFlight: number;
  /** Re-send what is in flight when no ack came for this long. */
  ackTimeoutMs: number;
  /** Publishes one batch (QoS 1); resolves on the broker's PUBACK, which is never a reason to delete. */
  send(batch: OutboxBatch): Promise<void>;
  now(): number;
  log: Logger;
  /** Every row written before the current connection has been acknowledged (once per connection). */
  onCaughtUp?(): void;
}

/**
 * The agent half of the delivery contract: numbers batches from the outbox, keeps a bounded window in flight,
 * deletes rows only on the hub's `ack`, and re-sends every unacknowledged batch after a reconnect or a timeout.
 * The caller drives it: `connected`/`disconnected` from the link, `ack` from `down/ack`, `tick` from a timer.
 */
export class Forwarder {
  private connected = false;
  /** seq -> when it was last sent. */
  private readonly inFlight = new Map<number, number>();
  private lastAckAt = 0;
  /** Rows written before this connection that the hub has not acknowledged yet. */
  private buffered = 0;
  /** Counters for status and tests. */
  readonly counters = { sent: 0, resent: 0, acks: 0 };

  constructor(private readonly o: ForwarderOptions) {}

  get isConnected(): boolean {
    return this.connected;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /**
   * Rows written before the current connection that the hub has not acknowledged yet (all rows while
   * disconnected). Batches take the oldest rows first and acks delete in seq order, so these go first.
   */
  get bufferedRows(): number {
    return this.connected ? this.buffered : this.o.outbox.stats().rows;
  }

  /** The link is up: re-send every unacknowledged batch in seq order, then fill the window. */
  onConnected(): void {
    this.connected = true;
    this.inFlight.clear();
    this.buffered = this.o.outbox.stats().rows;
    this.lastAckAt = this.o.now();
    this.resendUnacked();
    this.pump();
  }

  onDisconnected(): void {
    this.connected = false;
    this.inFlight.clear();
  }

  /** `down/ack {upTo}`: the hub committed every batch up to `upTo`. */
  onAck(upTo: number): void {
    this.counters.acks++;
    this.lastAckAt = this.o.now();
    const deleted = this.o.outbox.ack(upTo);
    for (const seq of this.inFlight.keys()) if (seq <= upTo) this.inFlight.delete(seq);
    this.o.log.debug({ upTo, deleted }, 'ack');
    if (this.buffered > 0) {
      // Rows evicted while connected were the oldest, so pre-connection ones: never count below what is left.
      this.buffered = Math.min(Math.max(0, this.buffered - deleted), this.o.outbox.stats().rows);
      if (this.buffered === 0) this.o.onCaughtUp?.();
    }
    // Full batches go at once (a backlog drains at the pace of acks); a trickle of live rows waits for the
    // next tick, so that live data makes about one batch per tick instead of one per ack.
    this.pump(true);
  }

  /** Periodic work: re-send on ack timeout, then send what waits (at least every batch_max_delay_ms). */
  tick(): void {
    if (!this.connected) return;
    const now = this.o.now();
    if (this.inFlight.size > 0 && now - this.lastAckAt >= this.o.ackTimeoutMs) {
      const oldest = Math.min(...this.inFlight.values());
      if (now - oldest >= this.o.ackTimeoutMs) {
        this.o.log.warn(
          { inFlight: this.inFlight.size, waitedMs: now - oldest },
          'no ack from the hub; re-sending',
        );
        this.lastAckAt = now;
        this.resendUnacked();
      }
    }
    this.pump();
  }

  /** Numbers and sends new batches while the window has room (with `fullOnly`, only full ones). */
  pump(fullOnly = false): void {
    while (this.connected && this.inFlight.size < this.o.maxInFlight) {
      if (fullOnly && this.o.outbox.stats().unbatchedRows < this.o.limits.maxSamples) return;
      const batch = this.o.outbox.claimBatch(this.o.limits, this.o.now());
      if (!batch) return;
      this.send(batch, false);
    }
  }

  private resendUnacked(): void {
    for (const batch of this.o.outbox.unacked()) this.send(batch, true);
  }

  private send(batch: OutboxBatch, resend: boolean): void {
    this.inFlight.set(batch.seq, this.o.now());
    if (resend) this.counters.resent++;
    else this.counters.sent++;
    this.o.send(batch).catch((err: unknown) => {
      // The batch stays in the outbox; the next reconnect or ack timeout sends it again.
      this.o.log.warn({ seq: batch.seq, err }, 'publishing a batch failed');
    });
  }
}
