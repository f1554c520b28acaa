/** Flap damping settings: `threshold` open/resolve transitions within `windowMs` mark an alert flapping. */
export interface FlapConfig {
  windowMs: number;
  threshold: number;
}

export interface FlapState {
  /** Times of recent transitions (opened, resolved), oldest first, within the window. */
  transitions: number[];
  flapping: boolean;
}

export const NOT_FLAPPING: FlapState = { transitions: [], flapping: false };

/**
 * Records one transition of an alert. The alert becomes flapping when the window holds `threshold`
 * transitions; it stays flapping until a whole window passes without any (see `settleFlap`).
 */
export function recordTransition(s: FlapState, ts: number, cfg: FlapConfig): FlapState {
  const transitions = [...s.transitions.filter((t) => ts - t < cfg.windowMs), ts];
  return { transitions, flapping: s.flapping || transitions.length >= cfg.threshold };
}

/** Called as time passes: a flapping alert calms down after a full window without transitions. */
export function settleFlap(s: FlapState, now: number, cfg: FlapConfig): FlapState {
  const transitions = s.transitions.filter((t) => now - t < cfg.windowMs);
  if (transitions.length === s.transitions.length && (!s.flapping || transitions.length > 0)) return s;
  return { transitions, flapping: s.flapping && transitions.length > 0 };
}
