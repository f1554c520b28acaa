import type { AlertTarget, RuleAction, RuleResult, RuleState, TargetState } from '../types.js';
import { setTarget } from '../types.js';

/** What one input says about one target's condition. */
export interface Observation {
  key: string;
  /** true: the problem holds; false: it cleared. */
  holds: boolean;
  ts: number;
  target: AlertTarget;
  title: string;
  message?: string;
}

/**
 * The common state machine of condition rules: a problem must hold for `forMs` before it fires (checked again
 * on every tick, so a status reported once still fires when the time is up), and firing clears when the
 * condition no longer holds. A condition that clears while pending never fires.
 */
export function observe(state: RuleState, o: Observation, forMs: number): RuleResult {
  const cur = state[o.key];
  if (!o.holds) {
    if (cur?.firing) {
      return {
        state: setTarget(state, o.key, undefined),
        actions: [{ type: 'clear', key: o.key, ts: o.ts }],
      };
    }
    return { state: cur ? setTarget(state, o.key, undefined) : state, actions: [] };
  }
  if (cur?.firing) {
    return { state: setTarget(state, o.key, { ...cur, last: o.ts, message: o.message }), actions: [] };
  }
  const since = cur?.since ?? o.ts;
  const next: TargetState = {
    firing: false,
    since,
    last: o.ts,
    target: o.target,
    title: o.title,
    message: o.message,
  };
  if (o.ts - since >= forMs) return fire(state, o.key, next, o.ts);
  return { state: setTarget(state, o.key, next), actions: [] };
}

/** On a tick: fire every pending target whose condition has now held for `forMs`. */
export function tickPending(state: RuleState, now: number, forMs: number): RuleResult {
  let next = state;
  const actions: RuleAction[] = [];
  for (const [key, t] of Object.entries(state)) {
    if (t.firing || t.since === undefined || !t.target || now - t.since < forMs) continue;
    const r = fire(next, key, t, now);
    next = r.state;
    actions.push(...r.actions);
  }
  return { state: next, actions };
}

function fire(state: RuleState, key: string, t: TargetState, ts: number): RuleResult {
  return {
    state: setTarget(state, key, { ...t, firing: true }),
    actions: [{ type: 'fire', target: t.target!, title: t.title ?? key, message: t.message, ts }],
  };
}
