/**
 * Commands that wait for the next applied config (a target the hub created a moment ago may be in it): each
 * `next` resolves true when a config is applied, false on its timeout or when its signal aborts.
 */
export class ConfigWaiters {
  private readonly waiting = new Set<() => void>();

  next(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (applied: boolean) => {
        clearTimeout(timer);
        this.waiting.delete(onApplied);
        signal?.removeEventListener('abort', onAbort);
        resolve(applied);
      };
      const onApplied = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), Math.max(0, timeoutMs));
      this.waiting.add(onApplied);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A config was applied: wakes every waiter. */
  applied(): void {
    for (const wake of [...this.waiting]) wake();
  }
}
