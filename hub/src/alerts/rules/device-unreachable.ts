import * as z from 'zod';
import { deviceKey, type RuleKind, ref } from '../types.js';
import { observe, tickPending } from './condition.js';

const Params = z
  .object({
    /** How long a device must stay unreachable before the alert opens. */
    for_s: z.number().int().min(0).max(86_400).default(0),
  })
  .strict();

/**
 * A device stopped answering its polls. A device without SNMP takes its status from its checks; its check-down
 * alerts already say what failed, so that status never opens this alert (it only closes one left open).
 */
export const deviceUnreachable: RuleKind<z.infer<typeof Params>> = {
  name: 'device-unreachable',
  description: 'A device does not answer SNMP polls (timeouts, no route).',
  builtin: true,
  defaultSeverity: 'high',
  params: Params,
  evaluate(state, input, now, rule) {
    const forMs = rule.params.for_s * 1000;
    if (input.kind === 'tick') return tickPending(state, now, forMs);
    if (input.kind !== 'device.status') return { state, actions: [] };
    const key = deviceKey(input.device_id);
    return observe(
      state,
      {
        key,
        holds: input.status === 'unreachable' && input.via !== 'checks',
        ts: input.ts,
        target: { key, device_id: input.device_id, site_id: input.site_id },
        title: `Device ${ref('device', input.device_id)} unreachable`,
        message: input.error,
      },
      forMs,
    );
  },
};
