import compare from 'semver/functions/compare.js';
import valid from 'semver/functions/valid.js';
import {
  type InstalledVersion,
  MAX_TRIAL_STARTS,
  type PendingUpgradeEvent,
  type VersionState,
} from './state.js';

/** What the launcher does at a start: which version to run, the state to write first, a trial's deadline. */
export interface LaunchPlan {
  run: InstalledVersion;
  /** The state to persist before starting (undefined: unchanged). */
  write?: VersionState;
  /** The version started is on trial until this time (epoch ms): the launcher rolls back when it passes. */
  deadline?: number;
  /** A rollback decided now, for the log. */
  rolledBack?: { version: string; to: string; reason: string };
}

/**
 * Rolls the active version back to the previous one: the failed version stays on disk (until the next
 * install prunes it) and an event for the hub is queued.
 */
export function rollback(state: VersionState, base: string, reason: string, now: number): VersionState {
  const failed = state.active?.version ?? base;
  const event: PendingUpgradeEvent = {
    phase: 'rolled_back',
    version: failed,
    from_version: state.previous?.version ?? base,
    reason,
    ts: now,
    ...(state.trial?.job_id ? { job_id: state.trial.job_id } : {}),
  };
  return { v: 1, active: state.previous, previous: null, trial: null, events: [...state.events, event] };
}

/**
 * Decides a start (pure: the state, the time and the bundle's own version in; the plan out). Only `run`
 * (the service) counts as a start of a trial; other commands use the active version as it is.
 *
 * A version on trial gets `confirm_s` from its first start and `MAX_TRIAL_STARTS` starts to reach the hub;
 * past either it is rolled back before it starts again.
 */
export function planLaunch(state: VersionState, now: number, base: string, isService: boolean): LaunchPlan {
  if (
    state.active &&
    valid(state.active.version) &&
    valid(base) &&
    compare(base, state.active.version) >= 0
  ) {
    // The bundle was installed again by hand with this version or a newer one: it wins over what upgrades put
    // beside the older one (their folders are deleted by the next upgrade).
    const write = { ...state, active: null, previous: null, trial: null };
    return isService ? { run: { version: base, dir: null }, write } : { run: { version: base, dir: null } };
  }
  const active: InstalledVersion = state.active ?? { version: base, dir: null };
  const trial = state.trial;
  if (!isService || !trial) return { run: active };
  if (trial.version !== active.version) {
    // A trial of a version that is not active (a state written by hand or half-way): nothing to try.
    return { run: active, write: { ...state, trial: null } };
  }
  const rolledBack = (reason: string): LaunchPlan => {
    const next = rollback(state, base, reason, now);
    const run = next.active ?? { version: base, dir: null };
    return { run, write: next, rolledBack: { version: active.version, to: run.version, reason } };
  };
  if (trial.deadline !== null && now >= trial.deadline)
    return rolledBack(`version ${trial.version} did not reach the hub within ${trial.confirm_s} s`);
  if (trial.starts >= MAX_TRIAL_STARTS)
    return rolledBack(
      `version ${trial.version} stopped ${trial.starts} times without reaching the hub (exit or crash)`,
    );
  const deadline = trial.deadline ?? now + trial.confirm_s * 1000;
  return {
    run: active,
    write: { ...state, trial: { ...trial, starts: trial.starts + 1, deadline } },
    deadline,
  };
}
