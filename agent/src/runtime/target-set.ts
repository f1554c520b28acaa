import type { ConfigMessage } from '@outpost/protocol';
import type { Logger } from '../logger.js';
import type { StateTracker } from '../state/state.js';
import type { TargetKind } from './targets/index.js';
import type { Outcome, ProbeCallOptions } from './types.js';

/** What a target set needs from the agent around it. */
export interface TargetSetDeps {
  kinds: ReadonlyMap<string, TargetKind>;
  tracker: StateTracker;
  /** Puts an outcome in the outbox. */
  record(outcome: Outcome, source: string): void;
  /** Sends what the outbox holds now, not at the next batch tick. */
  pump(): void;
  now(): number;
  log: Logger;
}

/** One scheduled run: `kind:id` every `intervalMs`. */
export interface ScheduledTarget {
  key: string;
  intervalMs: number;
}

/**
 * The current targets of every kind (devices, cameras, snapshots, checks ...) and their runs: one run per target
 * at a time, so a poll-now joins a scheduled poll in flight instead of starting another.
 */
export class TargetSet {
  private readonly targets = new Map<string, Map<number, { id: number }>>();
  private readonly inFlight = new Map<string, Promise<Outcome | null>>();

  constructor(private readonly d: TargetSetDeps) {
    for (const name of d.kinds.keys()) this.targets.set(name, new Map());
  }

  /** The target of `kind` with `id` in the applied config. */
  get<T extends { id: number }>(kind: string, id: number): T | undefined {
    return this.targets.get(kind)?.get(id) as T | undefined;
  }

  /** Runs a target now (or joins its run in flight), records the outcome and sends a status change at once. */
  run<T extends { id: number }>(
    kindName: string,
    target: T,
    opts?: ProbeCallOptions,
  ): Promise<Outcome | null> {
    const kind = this.d.kinds.get(kindName) as TargetKind<T>;
    const key = `${kindName}:${target.id}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const p = (async () => {
      const outcome = await kind.run(target, opts);
      if (!outcome) return null;
      this.d.record(outcome, `${kindName} ${target.id}`);
      // A target that went down (or came back) is sent now, not at the next batch tick: alert latency.
      if (
        kind.tracked &&
        this.d.tracker.record(kind.tracked.list, target.id, kind.tracked.status(outcome), this.d.now())
      )
        this.d.pump();
      return outcome;
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  /** Runs the scheduler's `kind:id` key, if that target is still in the config. */
  async runKey(key: string): Promise<void> {
    const colon = key.indexOf(':');
    const kindName = key.slice(0, colon);
    const target = this.get(kindName, Number(key.slice(colon + 1)));
    if (target) await this.run(kindName, target);
  }

  /**
   * Takes the targets of a new config: a changed or removed target loses its session and state (new credentials,
   * new address). Returns what the scheduler should run.
   */
  apply(next: ConfigMessage): ScheduledTarget[] {
    const scheduled: ScheduledTarget[] = [];
    for (const [name, kind] of this.d.kinds) {
      const current = this.targets.get(name)!;
      const wanted = new Map(kind.targets(next).map((t) => [t.id, t] as const));
      for (const [id, old] of current) {
        const now = wanted.get(id);
        if (!now || JSON.stringify(now) !== JSON.stringify(old)) kind.forget?.(id);
      }
      this.targets.set(name, wanted);
      if (kind.tracked)
        this.d.tracker.setTargets(kind.tracked.list, [...wanted.values()].map(kind.tracked.describe));
      for (const t of wanted.values()) {
        const intervalMs = kind.intervalMs(t);
        if (intervalMs > 0) scheduled.push({ key: `${name}:${t.id}`, intervalMs });
      }
      const warning = kind.unavailable?.(next);
      if (warning) this.d.log.warn({ kind: name }, warning);
    }
    return scheduled;
  }

  /** Resolves when every run in flight has finished. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Closes every kind (sessions, sockets). */
  async close(): Promise<void> {
    for (const kind of this.d.kinds.values()) await kind.close?.();
  }
}
