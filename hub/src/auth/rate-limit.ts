/**
 * Sliding-window counter per key (client address, username): at most `limit` hits in `windowMs`.
 * In memory, bounded to `maxKeys` (oldest keys go first); clock injected.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: () => number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Records a hit; when over the limit returns the seconds to wait (the hit is not recorded). */
  hit(key: string): { allowed: true } | { allowed: false; retryAfterS: number } {
    const now = this.clock();
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      const oldest = recent[0] ?? now;
      return { allowed: false, retryAfterS: Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000)) };
    }
    recent.push(now);
    this.hits.delete(key); // re-insert so Map order tracks recency
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) {
      const first = this.hits.keys().next().value;
      if (first !== undefined) this.hits.delete(first);
    }
    return { allowed: true };
  }

  /** Forgets a key (e.g. the username after a successful login). */
  reset(key: string): void {
    this.hits.delete(key);
  }
}
