/**
 * Who runs the hub's singletons (alert evaluation and notification dispatch, retention, rollouts, scheduled
 * discoveries) when several hubs share one PostgreSQL database: the hub that holds a session-level advisory
 * lock on a connection of its own. This module is the policy, as one pure decision over what the lock's
 * connection last reported; the I/O runs in cluster/elector.ts. Nothing here reads a clock or does I/O.
 *
 * The lock belongs to the connection's session: the server releases it the moment the session ends (the hub
 * died, its connection dropped, an operator ended the backend). So a leader keeps leading only while it can
 * confirm its session; when it cannot (a failed or slow probe), it steps down and drops the connection
 * itself, so that the server frees the lock and another hub's next attempt takes it.
 */

export type Role = 'follower' | 'leader';

export interface LeaderState {
  role: Role;
  /** Leader: when its session last confirmed that it holds the lock (ms). */
  confirmedAt: number;
}

/** What the lock's connection reported, or that time passed. */
export type Observation =
  /** A follower's attempt: the lock was free and is now this session's. */
  | { kind: 'acquired'; at: number }
  /** A follower's attempt: another session holds the lock. */
  | { kind: 'refused'; at: number }
  /** A leader's probe: its session still holds the lock. */
  | { kind: 'confirmed'; at: number }
  /** The probe says the session no longer holds the lock (an operator unlocked it). */
  | { kind: 'released'; at: number }
  /** The connection failed or a statement on it did not answer in time. */
  | { kind: 'failed'; at: number }
  /** A timer fired with no answer yet (a statement still outstanding). */
  | { kind: 'tick'; at: number };

export interface Timing {
  /** How often a follower tries to take the lock. */
  retryMs: number;
  /** How often a leader confirms it still holds it. */
  probeMs: number;
  /** A leader that has not confirmed its lock for this long steps down (longer than probeMs). */
  leaseMs: number;
}

/** 2 s attempts and probes, a 6 s lease: a dead leader's singletons run elsewhere within about 2 s. */
export const DEFAULT_TIMING: Timing = { retryMs: 2000, probeMs: 2000, leaseMs: 6000 };

export interface Decision {
  state: LeaderState;
  /** Start the singletons (became leader) or stop them (lost leadership). */
  action?: 'start' | 'stop';
  /**
   * What the connection does next: `try` the lock, `probe` that it is held, or `reconnect` (drop the
   * connection, which releases whatever it held, and open a new one before the next attempt).
   */
  next: 'try' | 'probe' | 'reconnect';
  /** In how long. */
  inMs: number;
}

export const FOLLOWER: LeaderState = { role: 'follower', confirmedAt: 0 };

/** What an observation does to the hub's role, and what the connection does next (see module comment). */
export function decide(s: LeaderState, o: Observation, t: Timing = DEFAULT_TIMING): Decision {
  if (s.role === 'follower') {
    switch (o.kind) {
      case 'acquired':
        return {
          state: { role: 'leader', confirmedAt: o.at },
          action: 'start',
          next: 'probe',
          inMs: t.probeMs,
        };
      case 'failed':
        return { state: s, next: 'reconnect', inMs: t.retryMs };
      default:
        return { state: s, next: 'try', inMs: t.retryMs };
    }
  }
  switch (o.kind) {
    case 'confirmed':
    case 'acquired':
      return { state: { role: 'leader', confirmedAt: o.at }, next: 'probe', inMs: t.probeMs };
    case 'refused':
    case 'released':
    case 'failed':
      return { state: FOLLOWER, action: 'stop', next: 'reconnect', inMs: t.retryMs };
    case 'tick': {
      const left = s.confirmedAt + t.leaseMs - o.at;
      if (left <= 0) return { state: FOLLOWER, action: 'stop', next: 'reconnect', inMs: t.retryMs };
      return { state: s, next: 'probe', inMs: Math.min(t.probeMs, left) };
    }
  }
}
