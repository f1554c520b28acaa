import * as z from 'zod';
import { deviceKey, type RuleKind, ref } from '../types.js';
import { observe } from './condition.js';

const Params = z
  .object({
    /** Alert when the runtime left on battery falls below this. */
    min_runtime_s: z.number().int().min(0).max(86_400).default(600),
  })
  .strict();

/**
 * A UPS's battery cannot carry the load for long (`ups_runtime_s` below the minimum), or needs replacing
 * (`ups_battery_replace` 1: UPS-MIB upsAlarmBatteryBad, APC upsAdvBatteryReplaceIndicator).
 */
export const upsBattery: RuleKind<z.infer<typeof Params>> = {
  name: 'ups-battery',
  description: 'A UPS battery has little runtime left or needs replacing.',
  builtin: true,
  defaultSeverity: 'high',
  params: Params,
  sampleMetrics: () => ['ups_runtime_s', 'ups_battery_replace'],
  evaluate(state, input, _now, rule) {
    if (input.kind !== 'sample') return { state, actions: [] };
    const s = input.sample;
    if (s.device_id === undefined) return { state, actions: [] };
    const target = (key: string) => ({
      key,
      device_id: s.device_id,
      site_id: input.site_id,
      agent_id: input.agent_id,
    });
    if (s.metric === 'ups_runtime_s') {
      const key = `${deviceKey(s.device_id)}:runtime`;
      const min = rule.params.min_runtime_s;
      return observe(
        state,
        {
          key,
          holds: s.value < min,
          ts: s.ts,
          target: target(key),
          title: `UPS ${ref('device', s.device_id)}: low battery runtime`,
          message: `${Math.round(s.value / 60)} min left (alert below ${Math.round(min / 60)} min)`,
        },
        0,
      );
    }
    if (s.metric === 'ups_battery_replace') {
      const key = `${deviceKey(s.device_id)}:replace`;
      return observe(
        state,
        {
          key,
          holds: s.value === 1,
          ts: s.ts,
          target: target(key),
          title: `UPS ${ref('device', s.device_id)}: replace the battery`,
        },
        0,
      );
    }
    return { state, actions: [] };
  },
};
