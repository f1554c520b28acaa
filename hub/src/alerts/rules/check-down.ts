import * as z from 'zod';
import { type RuleKind, ref } from '../types.js';
import { observe, tickPending } from './condition.js';

const Params = z.object({ for_s: z.number().int().min(0).max(86_400).default(0) }).strict();

interface CheckState {
  type: 'check_state';
  ts: number;
  check_id: number;
  device_id: number;
  kind: string;
  status: 'up' | 'down';
  error?: string;
}

/** A check (icmp, tcp, http, dns) is down: unreachable, refused, a wrong status, a missing keyword, ... */
export const checkDown: RuleKind<z.infer<typeof Params>> = {
  name: 'check-down',
  description: 'A check (ping, TCP port, web page, DNS) fails.',
  builtin: true,
  defaultSeverity: 'high',
  params: Params,
  evaluate(state, input, now, rule) {
    const forMs = rule.params.for_s * 1000;
    if (input.kind === 'tick') return tickPending(state, now, forMs);
    if (input.kind !== 'agent.event' || input.event.type !== 'check_state') return { state, actions: [] };
    const e = input.event as unknown as CheckState;
    const key = `device:${e.device_id}:check:${e.check_id}`;
    return observe(
      state,
      {
        key,
        holds: e.status === 'down',
        ts: e.ts,
        target: { key, device_id: e.device_id, site_id: input.site_id, agent_id: input.agent_id },
        title: `${e.kind} check ${e.check_id} down on ${ref('device', e.device_id)}`,
        ...(e.error ? { message: e.error } : {}),
      },
      forMs,
    );
  },
};
