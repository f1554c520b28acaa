import * as z from 'zod';
import { deviceKey, type RuleKind, ref } from '../types.js';
import { observe, tickPending } from './condition.js';
import { TRAPS, trapOf, UPS_ALARM_ON_BATTERY } from './trap-fields.js';

const Params = z.object({ for_s: z.number().int().min(0).max(86_400).default(0) }).strict();

/**
 * A UPS runs on battery: mains power is gone. Its on-battery trap (RFC 1628 upsTrapOnBattery, APC upsOnBattery)
 * opens the alert at once; the power-restored trap (APC powerRestored, RFC 1628 alarm entry removed) or the next
 * poll reading `ups_on_battery` 0 resolves it. One alert, whichever comes first.
 */
export const upsOnBattery: RuleKind<z.infer<typeof Params>> = {
  name: 'ups-on-battery',
  description: 'A UPS runs on battery (mains power lost).',
  builtin: true,
  defaultSeverity: 'high',
  params: Params,
  sampleMetrics: () => ['ups_on_battery'],
  evaluate(state, input, now, rule) {
    const forMs = rule.params.for_s * 1000;
    if (input.kind === 'tick') return tickPending(state, now, forMs);
    let deviceId: number | undefined;
    let holds: boolean | undefined;
    let ts = 0;
    let message: string | undefined;
    if (input.kind === 'sample' && input.sample.metric === 'ups_on_battery') {
      deviceId = input.sample.device_id;
      holds = input.sample.value === 1;
      ts = input.sample.ts;
      message = holds ? 'output on battery (poll)' : 'back on mains (poll)';
    } else if (input.kind === 'agent.event') {
      const trap = trapOf(input.event);
      if (!trap) return { state, actions: [] };
      deviceId = trap.device_id;
      ts = trap.ts;
      if (trap.trap_oid === TRAPS.upsTrapOnBattery || trap.trap_oid === TRAPS.apcOnBattery) holds = true;
      else if (trap.trap_oid === TRAPS.apcPowerRestored) holds = false;
      else if (
        trap.trap_oid === TRAPS.upsTrapAlarmEntryRemoved &&
        trap.varbinds.some((v) => v.value === UPS_ALARM_ON_BATTERY)
      )
        holds = false;
      message = holds ? 'on-battery trap' : 'power-restored trap';
    }
    if (
      deviceId === undefined ||
      holds === undefined ||
      (input.kind !== 'sample' && input.kind !== 'agent.event')
    )
      return { state, actions: [] };
    const key = deviceKey(deviceId);
    return observe(
      state,
      {
        key,
        holds,
        ts,
        target: { key, device_id: deviceId, site_id: input.site_id, agent_id: input.agent_id },
        title: `UPS ${ref('device', deviceId)} on battery`,
        message,
      },
      forMs,
    );
  },
};
