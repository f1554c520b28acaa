import type { Logger } from '../logger.js';

/** Time and timers, injected so that schedules are tested without waiting. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** One thing polled on a period: a device (`d:7`) or a camera (`c:3`). */
export interface ScheduledTarget {
  key: string;
  intervalMs: number;
}

/** FNV-1a: a stable hash so that each target keeps its phase across restarts. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The target's phase inside its interval: spreads 1,000 devices evenly instead of firing them at once. */
export function phaseOf(key: string, intervalMs: number): number {
  return hash(key) % intervalMs;
}

/** The first time strictly after `now` at which a target with this phase and interval is due. */
export function nextDue(now: number, intervalMs: number, phase: number): number {
  const k = Math.floor((now - phase) / intervalMs) + 1;
  return k * intervalMs + phase;
}

interface Entry {
  target: ScheduledTarget;
  phase: number;
  timer: unknown;
  running: Promise<void> | null;
}

export interface SchedulerOptions {
  clock: Clock;
  /** Polls one target; the scheduler never runs two at once for the same key. Must not reject. */
  run(key: string): Promise<void>;
  log: Logger;
}

/** Fires each target on its own jittered period, at most one run in flight per target, and stops cleanly. */
export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;
  /** Runs skipped because the previous one of the same target had not finished. */
  skipped = 0;

  constructor(private readonly o: SchedulerOptions) {}

  /** Replaces the set of targets: new ones start, removed ones stop, changed intervals take effect. */
  set(targets: readonly ScheduledTarget[]): void {
    if (this.stopped) return;
    const keep = new Set(targets.map((t) => t.key));
    for (const [key, entry] of this.entries) {
      if (!keep.has(key)) {
        this.o.clock.clearTimeout(entry.timer);
        this.entries.delete(key);
      }
    }
    for (const target of targets) {
      const existing = this.entries.get(target.key);
      if (existing && existing.target.intervalMs === target.intervalMs) continue;
      if (existing) this.o.clock.clearTimeout(existing.timer);
      const entry: Entry = existing ?? { target, phase: 0, timer: null, running: null };
      entry.target = target;
      entry.phase = phaseOf(target.key, target.intervalMs);
      this.entries.set(target.key, entry);
      this.arm(entry);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private arm(entry: Entry): void {
    const now = this.o.clock.now();
    const due = nextDue(now, entry.target.intervalMs, entry.phase);
    entry.timer = this.o.clock.setTimeout(() => this.fire(entry), due - now);
  }

  private fire(entry: Entry): void {
    if (this.stopped || this.entries.get(entry.target.key) !== entry) return;
    this.arm(entry);
    if (entry.running) {
      this.skipped++;
      this.o.log.debug({ target: entry.target.key }, 'previous poll still running; skipped');
      return;
    }
    void this.start(entry);
  }

  private start(entry: Entry): Promise<void> {
    const p = this.o
      .run(entry.target.key)
      .catch((err: unknown) => this.o.log.error({ target: entry.target.key, err }, 'poll failed'))
      .finally(() => {
        entry.running = null;
      });
    entry.running = p;
    return p;
  }

  /** Runs a target now (poll-now), or joins its run in flight. */
  trigger(key: string): Promise<void> | null {
    const entry = this.entries.get(key);
    if (!entry || this.stopped) return null;
    return entry.running ?? this.start(entry);
  }

  /** Stops firing and waits for the runs in flight to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.entries.values()) this.o.clock.clearTimeout(entry.timer);
    await Promise.all([...this.entries.values()].map((e) => e.running));
  }
}
