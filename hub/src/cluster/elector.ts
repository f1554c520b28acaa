import type { Logger } from '../logger.js';
import type { LeaderLock } from '../store/cluster.js';
import {
  DEFAULT_TIMING,
  type Decision,
  decide,
  FOLLOWER,
  type LeaderState,
  type Timing,
} from './leadership.js';

/**
 * Who runs the singletons: started by the services runner with what to do when this hub becomes leader
 * (`true`) or stops being it (`false`). The two calls alternate, starting with `true`.
 */
export interface Leadership {
  /** Resolves once the first decision is made (and applied, when this hub became leader). */
  start(onChange: (leader: boolean) => Promise<void>): Promise<void>;
  /** Steps down (calling onChange(false) when leader) and lets another hub take over. */
  stop(): Promise<void>;
  isLeader(): boolean;
}

/** A hub alone on its database (SQLite): always the leader. */
export function soleLeadership(): Leadership {
  let change: ((leader: boolean) => Promise<void>) | undefined;
  return {
    async start(onChange) {
      await onChange(true);
      change = onChange;
    },
    async stop() {
      const c = change;
      change = undefined;
      await c?.(false);
    },
    isLeader: () => change !== undefined,
  };
}

export interface ElectorOptions {
  logger: Logger;
  timing?: Timing;
  clock?: () => number;
  /** Called with each change of role (metrics, health). */
  onRole?: (leader: boolean) => void;
}

/**
 * Runs leadership.ts' policy against a LeaderLock: tries the lock as a follower, confirms it as the leader, and
 * applies each decision (start or stop the singletons, drop the connection). A hub that fails to start its
 * singletons steps down and waits longer before trying again, so that another hub can lead meanwhile.
 */
export class Elector implements Leadership {
  #state: LeaderState = FOLLOWER;
  #timer: NodeJS.Timeout | undefined;
  #onChange: ((leader: boolean) => Promise<void>) | undefined;
  #stopped = false;
  #step: Promise<void> | undefined;
  readonly #timing: Timing;
  readonly #clock: () => number;

  constructor(
    private readonly lock: LeaderLock,
    private readonly opts: ElectorOptions,
  ) {
    this.#timing = opts.timing ?? DEFAULT_TIMING;
    this.#clock = opts.clock ?? Date.now;
    // A leader whose connection fails between probes steps down at once rather than at the next probe.
    lock.onLost(() => {
      if (this.#state.role === 'leader' && !this.#stopped) this.#run('probe', 0);
    });
  }

  isLeader(): boolean {
    return this.#state.role === 'leader';
  }

  async start(onChange: (leader: boolean) => Promise<void>): Promise<void> {
    this.#onChange = onChange;
    this.#run('try', 0);
    await this.#step;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#step;
    if (this.#state.role === 'leader') {
      this.#state = FOLLOWER;
      await this.#apply('stop');
    }
    await this.lock.drop();
  }

  #run(next: Decision['next'], inMs: number): void {
    clearTimeout(this.#timer);
    const go = () => {
      if (this.#stopped) return;
      if (this.#step) {
        // A step is under way (its own decision schedules the next one).
        return;
      }
      this.#step = this.#once(next)
        .catch((err) => this.opts.logger.error({ err }, 'leader election step failed'))
        .finally(() => {
          this.#step = undefined;
        });
    };
    if (inMs <= 0) go();
    else {
      this.#timer = setTimeout(go, inMs);
      this.#timer.unref();
    }
  }

  async #once(next: Decision['next']): Promise<void> {
    const t = this.#timing;
    let d: Decision;
    if (next === 'reconnect') {
      await this.lock.drop();
      next = 'try';
    }
    if (next === 'try') {
      // An attempt may take its time (a new connection on a busy server): no hub leads meanwhile anyway.
      const obs = await this.lock.tryLock(Math.max(t.leaseMs, 5000)).then(
        (ok) => ({ kind: ok ? ('acquired' as const) : ('refused' as const), at: this.#clock() }),
        (err: unknown) => {
          this.opts.logger.warn({ err }, 'cannot reach the database for the leader lock');
          return { kind: 'failed' as const, at: this.#clock() };
        },
      );
      d = decide(this.#state, obs, t);
    } else {
      // The lease is checked before the probe: a hub whose event loop stalled past it steps down first.
      const lapsed = decide(this.#state, { kind: 'tick', at: this.#clock() }, t);
      if (lapsed.action === 'stop') d = lapsed;
      else {
        const left = Math.max(1, this.#state.confirmedAt + t.leaseMs - this.#clock());
        const obs = await this.lock.holds(left).then(
          (held) => ({ kind: held ? ('confirmed' as const) : ('released' as const), at: this.#clock() }),
          (err: unknown) => {
            this.opts.logger.warn({ err }, 'the leader lock’s connection failed');
            return { kind: 'failed' as const, at: this.#clock() };
          },
        );
        d = decide(this.#state, obs, t);
      }
    }
    this.#state = d.state;
    let inMs = d.inMs;
    let following = d.next;
    if (d.action) {
      const ok = await this.#apply(d.action);
      if (!ok && d.action === 'start') {
        this.#state = FOLLOWER;
        await this.#apply('stop');
        following = 'reconnect';
        inMs = t.retryMs * 5;
      }
    }
    if (!this.#stopped) this.#run(following, inMs);
  }

  /** Starts or stops the singletons; false when starting failed (logged). */
  async #apply(action: 'start' | 'stop'): Promise<boolean> {
    const leader = action === 'start';
    this.opts.logger.info(
      { role: leader ? 'leader' : 'follower' },
      leader ? 'this hub leads: singletons start' : 'this hub no longer leads: singletons stop',
    );
    this.opts.onRole?.(leader);
    try {
      await this.#onChange?.(leader);
      return true;
    } catch (err) {
      this.opts.logger.error(
        { err },
        leader ? 'starting the singletons failed; stepping down' : 'stopping the singletons failed',
      );
      if (leader) this.opts.onRole?.(false);
      return false;
    }
  }
}
