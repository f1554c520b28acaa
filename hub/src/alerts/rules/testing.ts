import type { AlertInput, RuleAction, RuleState } from '../types.js';
import type { AnyRuleKind } from './index.js';

/** Test helper: feeds inputs to a rule kind in order and returns a compact trace of its actions. */
export function runRule(
  kind: AnyRuleKind,
  params: Record<string, unknown>,
  inputs: AlertInput[],
  initial: RuleState = {},
): { trace: string[]; actions: RuleAction[]; state: RuleState } {
  const parsed = kind.params.parse(params);
  const rule = { key: kind.name, name: kind.name, severity: kind.defaultSeverity, params: parsed };
  let state = initial;
  const trace: string[] = [];
  const actions: RuleAction[] = [];
  for (const input of inputs) {
    const now =
      input.kind === 'tick'
        ? input.ts
        : input.kind === 'sample'
          ? input.sample.ts
          : 'event' in input
            ? input.event.ts
            : input.ts;
    const r = kind.evaluate(state, input, now, rule);
    state = r.state;
    for (const a of r.actions) {
      actions.push(a);
      trace.push(
        a.type === 'fire'
          ? `fire ${a.target.key}@${a.ts}`
          : `clear ${a.key}@${a.ts}${a.quiet ? ' quiet' : ''}`,
      );
    }
  }
  return { trace, actions, state };
}

export const T0 = 1_795_334_400_000;
export const tick = (s: number): AlertInput => ({ kind: 'tick', ts: T0 + s * 1000 });
export const dev = (id: number, status: string, s: number, previous = 'online'): AlertInput => ({
  kind: 'device.status',
  device_id: id,
  site_id: 1,
  status,
  previous,
  ts: T0 + s * 1000,
});
export const cam = (id: number, status: string, s: number): AlertInput => ({
  kind: 'camera.status',
  camera_id: id,
  site_id: 1,
  status,
  previous: 'online',
  ts: T0 + s * 1000,
});
export const agent = (id: string, state: 'online' | 'offline', s: number, reason?: string): AlertInput => ({
  kind: 'agent.status',
  agent_id: id,
  site_id: 1,
  state,
  reason,
  ts: T0 + s * 1000,
});
export const sample = (
  s: number,
  metric: string,
  value: number,
  opts: {
    device_id?: number;
    camera_id?: number;
    labels?: Record<string, string>;
    site_id?: number;
    device_type?: string;
  } = {},
): AlertInput => ({
  kind: 'sample',
  agent_id: 'a1',
  site_id: opts.site_id ?? 1,
  device_type: opts.device_type,
  sample: {
    device_id: opts.camera_id === undefined ? (opts.device_id ?? 7) : undefined,
    camera_id: opts.camera_id,
    metric,
    value,
    ts: T0 + s * 1000,
    labels: opts.labels,
  },
});
export const at = (s: number) => T0 + s * 1000;
