export type Gate = { allowed: true } | { allowed: false; retryAfterS: number };

/**
 * Sliding-window counter per key (client address, username): at most `limit` hits in `windowMs`.
 * In memory, bounded to `maxKeys`; clock injected. When full, keys whose hits have all left the window go
 * first, then the key with the fewest recent hits (oldest first among equals): a flood of new keys (one
 * failed login each for many usernames) never resets a key that is close to its limit.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: () => number,
    private readonly maxKeys = 10_000,
  ) {}

  private recent(key: string, now: number): number[] {
    return (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  /** Whether one more hit would be allowed, without recording it. */
  check(key: string): Gate {
    const now = this.clock();
    const recent = this.recent(key, now);
    if (recent.length < this.limit) return { allowed: true };
    const oldest = recent[recent.length - this.limit] ?? now;
    return { allowed: false, retryAfterS: Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000)) };
  }

  /** Records a hit; when over the limit returns the seconds to wait (the hit is not recorded). */
  hit(key: string): Gate {
    const gate = this.check(key);
    if (!gate.allowed) return gate;
    const now = this.clock();
    const recent = this.recent(key, now);
    recent.push(now);
    this.hits.delete(key); // re-insert so Map order tracks recency
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) this.evict(now, key);
    return { allowed: true };
  }

  /** Takes back the latest hit of a key (an attempt counted up front that turned out fine). */
  forgive(key: string): void {
    const list = this.hits.get(key);
    if (!list) return;
    list.pop();
    if (list.length === 0) this.hits.delete(key);
  }

  /** Forgets a key. */
  reset(key: string): void {
    this.hits.delete(key);
  }

  /** Number of keys tracked (for tests). */
  get size(): number {
    return this.hits.size;
  }

  private evict(now: number, keep: string): void {
    for (const [k, list] of this.hits) {
      if (k !== keep && !list.some((t) => t > now - this.windowMs)) this.hits.delete(k);
    }
    if (this.hits.size <= this.maxKeys) return;
    let victim: string | undefined;
    let fewest = Number.POSITIVE_INFINITY;
    for (const [k, list] of this.hits) {
      if (k === keep) continue;
      // Map order is oldest first, so on a tie the oldest key goes.
      if (list.length < fewest) {
        fewest = list.length;
        victim = k;
      }
    }
    if (victim !== undefined) this.hits.delete(victim);
  }
}
