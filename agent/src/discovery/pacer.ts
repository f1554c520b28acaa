/** Spaces sends at most `ratePerS` a second across every prober of a sweep (a site LAN must not notice it). */
export interface Pacer {
  /** Resolves when `n` more packets may be sent; rejects when `signal` aborts. */
  take(n?: number, signal?: AbortSignal): Promise<void>;
  /** Packets granted so far. */
  readonly granted: number;
}

export interface PacerClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * A virtual schedule, not a token bucket: each grant books the next free slot, one every 1000/ratePerS ms,
 * so that the rate holds over any window with no burst beyond `burst` packets after an idle spell.
 */
export function createPacer(ratePerS: number, clock: PacerClock = realClock, burst = 1): Pacer {
  if (!(ratePerS > 0)) throw new RangeError(`rate must be positive, got ${ratePerS}`);
  const gap = 1000 / ratePerS;
  let next = Number.NEGATIVE_INFINITY;
  let granted = 0;
  return {
    get granted() {
      return granted;
    },
    async take(n = 1, signal) {
      const now = clock.now();
      const start = Math.max(next, now - (burst - 1) * gap);
      next = start + n * gap;
      granted += n;
      if (start > now) await clock.sleep(start - now, signal);
    },
  };
}
