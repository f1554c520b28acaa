import type { KnownEvent } from '@outpost/protocol';
import * as z from 'zod';
import { deviceKey, type RuleKind, ref } from '../types.js';
import { observe, tickPending } from './condition.js';

const Params = z
  .object({
    for_s: z.number().int().min(0).max(86_400).default(0),
    /** Agent error events whose code matches this pattern (case-insensitive) count as auth failures. */
    error_code_pattern: z.string().min(1).max(200).default('auth'),
  })
  .strict();

/**
 * A device refuses the agent's credentials: SNMPv3 authentication/privacy errors, an unknown user or a wrong
 * community reported as such. Clears when the device answers again.
 */
export const snmpAuthFailure: RuleKind<z.infer<typeof Params>> = {
  name: 'snmp-auth-failure',
  description: 'A device refuses the SNMP credentials (v3 auth/priv errors, unknown user).',
  builtin: true,
  defaultSeverity: 'high',
  params: Params,
  evaluate(state, input, now, rule) {
    const forMs = rule.params.for_s * 1000;
    if (input.kind === 'tick') return tickPending(state, now, forMs);
    if (input.kind === 'device.status') {
      const key = deviceKey(input.device_id);
      return observe(
        state,
        {
          key,
          holds: input.status === 'auth_failed',
          ts: input.ts,
          target: { key, device_id: input.device_id, site_id: input.site_id },
          title: `SNMP authentication failed on ${ref('device', input.device_id)}`,
          message: input.error,
        },
        forMs,
      );
    }
    if (input.kind === 'agent.event' && input.event.type === 'error') {
      const e = input.event as unknown as Extract<KnownEvent, { type: 'error' }>;
      if (
        e.device_id === undefined ||
        !e.code ||
        !new RegExp(rule.params.error_code_pattern, 'i').test(e.code)
      ) {
        return { state, actions: [] };
      }
      const key = deviceKey(e.device_id);
      return observe(
        state,
        {
          key,
          holds: true,
          ts: e.ts,
          target: { key, device_id: e.device_id, site_id: input.site_id, agent_id: input.agent_id },
          title: `SNMP authentication failed on ${ref('device', e.device_id)}`,
          message: e.message,
        },
        forMs,
      );
    }
    return { state, actions: [] };
  },
};
