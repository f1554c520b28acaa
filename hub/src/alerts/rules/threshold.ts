import * as z from 'zod';
import {
  type AlertTarget,
  type RuleAction,
  type RuleKind,
  ref,
  setTarget,
  type TargetState,
} from '../types.js';

export const COMPARISONS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type Comparison = (typeof COMPARISONS)[number];

export function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

const Scope = z.discriminatedUnion('type', [
  z.object({ type: z.literal('all') }).strict(),
  z.object({ type: z.literal('device'), id: z.number().int().positive() }).strict(),
  z.object({ type: z.literal('device_type'), value: z.string().min(1).max(64) }).strict(),
  z.object({ type: z.literal('site'), id: z.number().int().positive() }).strict(),
]);
export type ThresholdScope = z.infer<typeof Scope>;

export const ThresholdParams = z
  .object({
    metric: z
      .string()
      .regex(/^[a-z][a-z0-9_.]{0,127}$/, 'metric must be lower-case letters, digits, "_" or "."'),
    scope: Scope.default({ type: 'all' }),
    comparison: z.enum(COMPARISONS),
    threshold: z.number().finite(),
    /** How long the condition must hold before the alert opens. */
    for_s: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(0),
    /** The value must cross back past this to resolve (hysteresis); defaults to the threshold. */
    recovery_threshold: z.number().finite().optional(),
    /** Only samples whose labels include all of these (e.g. `{"if_name": "Gi0/1"}`). */
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const r = p.recovery_threshold;
    if (r === undefined) return;
    const bad =
      ((p.comparison === '>' || p.comparison === '>=') && r > p.threshold) ||
      ((p.comparison === '<' || p.comparison === '<=') && r < p.threshold) ||
      ((p.comparison === '==' || p.comparison === '!=') && r !== p.threshold);
    if (bad) {
      ctx.addIssue({
        code: 'custom',
        path: ['recovery_threshold'],
        message: `recovery_threshold must lie on the healthy side of threshold ${p.threshold} for "${p.comparison}"`,
      });
    }
  });
export type ThresholdParams = z.infer<typeof ThresholdParams>;

/**
 * A user rule on any metric: `value <comparison> threshold` held for `for_s` opens the alert; it resolves
 * only when the value no longer satisfies the comparison against `recovery_threshold`, so a value hovering
 * around the threshold does not open and close the alert on every sample.
 */
export const threshold: RuleKind<ThresholdParams> = {
  name: 'threshold',
  description: 'A metric crosses a threshold for a duration, with a separate recovery threshold.',
  builtin: false,
  defaultSeverity: 'medium',
  params: ThresholdParams,
  sampleMetrics: (p) => [p.metric],
  evaluate(state, input, _now, rule) {
    if (input.kind !== 'sample') return { state, actions: [] };
    const p = rule.params;
    const s = input.sample;
    if (s.metric !== p.metric || !inScope(p.scope, s.device_id, input.site_id, input.device_type)) {
      return { state, actions: [] };
    }
    if (p.labels && Object.entries(p.labels).some(([k, v]) => s.labels?.[k] !== v))
      return { state, actions: [] };
    const target = targetOf(s, input.site_id, input.agent_id);
    const key = target.key;
    const cur = state[key];
    const desc = `${p.metric} ${s.value} ${p.comparison} ${p.threshold}`;
    if (cur?.firing) {
      if (compare(s.value, p.comparison, p.recovery_threshold ?? p.threshold)) {
        return { state: setTarget(state, key, { ...cur, last: s.ts }), actions: [] };
      }
      const message = `${p.metric} ${s.value}, recovered past ${p.recovery_threshold ?? p.threshold}`;
      return {
        state: setTarget(state, key, undefined),
        actions: [{ type: 'clear', key, ts: s.ts, message }],
      };
    }
    if (!compare(s.value, p.comparison, p.threshold)) {
      return { state: cur ? setTarget(state, key, undefined) : state, actions: [] };
    }
    const since = cur?.since ?? s.ts;
    const title = `${rule.name}: ${p.metric} ${p.comparison} ${p.threshold} on ${describe(target, s.labels)}`;
    const next: TargetState = { firing: false, since, last: s.ts, target, title, message: desc };
    if (s.ts - since < p.for_s * 1000) return { state: setTarget(state, key, next), actions: [] };
    const action: RuleAction = { type: 'fire', target, title, message: desc, ts: s.ts };
    return { state: setTarget(state, key, { ...next, firing: true }), actions: [action] };
  },
};

export function inScope(
  scope: ThresholdScope,
  deviceId: number | undefined,
  siteId: number,
  deviceType?: string,
) {
  switch (scope.type) {
    case 'all':
      return true;
    case 'device':
      return deviceId === scope.id;
    case 'device_type':
      return deviceId !== undefined && deviceType === scope.value;
    case 'site':
      return siteId === scope.id;
  }
}

function targetOf(
  s: { device_id?: number; camera_id?: number; labels?: Record<string, string> },
  siteId: number,
  agentId: string,
): AlertTarget {
  const labels = Object.entries(s.labels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const suffix = labels ? `{${labels}}` : '';
  if (s.device_id !== undefined)
    return { key: `device:${s.device_id}${suffix}`, device_id: s.device_id, site_id: siteId };
  if (s.camera_id !== undefined)
    return { key: `camera:${s.camera_id}${suffix}`, camera_id: s.camera_id, site_id: siteId };
  return { key: `agent:${agentId}${suffix}`, agent_id: agentId, site_id: siteId };
}

function describe(t: AlertTarget, labels?: Record<string, string>): string {
  const what = t.device_id
    ? ref('device', t.device_id)
    : t.camera_id
      ? ref('camera', t.camera_id)
      : ref('agent', t.agent_id!);
  const part = labels?.if_name ?? labels?.sensor ?? labels?.storage;
  return part ? `${what} (${part})` : what;
}
