import { TRAP_DROP_REASONS } from '@outpost/protocol';

export type DropReason = (typeof TRAP_DROP_REASONS)[number];

export interface TrapLimits {
  /** Average traps per second one sender may send. */
  ratePerS: number;
  /** Traps one sender may send at once above the average. */
  burst: number;
  /** Traps per second across all senders. */
  maxPerS: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Drops of one sender and reason not yet reported. */
export interface PendingDrops {
  source: string;
  reason: DropReason;
  dropped: number;
  since: number;
  total: number;
}

/** Senders remembered at most (a spoofed-source flood must not grow memory without bound). */
const MAX_SENDERS = 4096;

/**
 * Token buckets per sender and one for all senders, decided before a packet is decoded, so that a flood costs a
 * map lookup per packet. Pure apart from the injected clock readings passed in.
 */
export class TrapLimiter {
  private readonly senders = new Map<string, Bucket>();
  private global: Bucket;
  private readonly pending = new Map<string, PendingDrops>();
  private readonly totals = new Map<string, number>();
  readonly counts: Record<DropReason, number> = { rate_limit: 0, auth: 0, malformed: 0 };

  constructor(
    private limits: TrapLimits,
    now: number,
  ) {
    this.global = { tokens: Math.max(limits.maxPerS, 1), at: now };
  }

  setLimits(limits: TrapLimits): void {
    this.limits = limits;
  }

  private take(b: Bucket, rate: number, cap: number, now: number): boolean {
    b.tokens = Math.min(cap, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Whether a packet from `source` may be decoded now; a refusal is counted as a `rate_limit` drop. */
  allow(source: string, now: number): boolean {
    let b = this.senders.get(source);
    if (!b) {
      if (this.senders.size >= MAX_SENDERS) this.senders.delete(this.senders.keys().next().value!);
      b = { tokens: this.limits.burst, at: now };
      this.senders.set(source, b);
    }
    // The sender's own bucket first: a flooding sender must not eat the tokens all senders share.
    const ok =
      this.take(b, this.limits.ratePerS, this.limits.burst, now) &&
      this.take(this.global, this.limits.maxPerS, Math.max(this.limits.maxPerS, 1), now);
    if (!ok) this.drop(source, 'rate_limit', now);
    return ok;
  }

  /** Counts a packet dropped for another reason (authentication, undecodable). */
  drop(source: string, reason: DropReason, now: number): void {
    this.counts[reason]++;
    const key = `${reason} ${source}`;
    const total = (this.totals.get(key) ?? 0) + 1;
    if (!this.totals.has(key) && this.totals.size >= MAX_SENDERS)
      this.totals.delete(this.totals.keys().next().value!);
    this.totals.set(key, total);
    const p = this.pending.get(key);
    if (p) {
      p.dropped++;
      p.total = total;
    } else this.pending.set(key, { source, reason, dropped: 1, since: now, total });
  }

  /** The drops not yet reported, one entry per sender and reason; clears them. */
  flush(): PendingDrops[] {
    const out = [...this.pending.values()];
    this.pending.clear();
    return out;
  }
}

export { TRAP_DROP_REASONS };
