import * as z from 'zod';
import { type RuleKind, ref } from '../types.js';
import { observe, tickPending } from './condition.js';

const Params = z.object({ for_s: z.number().int().min(0).max(86_400).default(0) }).strict();

/**
 * A check (icmp, tcp, http, dns) is down: unreachable, refused, a wrong status, a missing keyword, ... The hub
 * reports a check's status when it changes (`check.status`), so the alert opens once and clears once.
 */
export const checkDown: RuleKind<z.infer<typeof Params>> = {
  name: 'check-down',
  description: 'A check (ping, TCP port, web page, DNS) fails.',
  builtin: true,
  defaultSeverity: 'high',
  params: Params,
  evaluate(state, input, now, rule) {
    const forMs = rule.params.for_s * 1000;
    if (input.kind === 'tick') return tickPending(state, now, forMs);
    if (input.kind !== 'check.status') return { state, actions: [] };
    const key = `device:${input.device_id}:check:${input.check_id}`;
    return observe(
      state,
      {
        key,
        holds: input.status === 'down',
        ts: input.ts,
        target: { key, device_id: input.device_id, site_id: input.site_id },
        title: `Check ${input.name} (${input.check_kind}) down on ${ref('device', input.device_id)}`,
        ...(input.error ? { message: input.error } : {}),
      },
      forMs,
    );
  },
};
