import type { KnownEvent } from '@outpost/protocol';
import * as z from 'zod';
import { agentKey, type RuleAction, type RuleKind, ref, setTarget } from '../types.js';

const Params = z
  .object({
    /** The alert resolves by itself (quietly) after this long without further drops. */
    resolve_after_s: z
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(3600),
  })
  .strict();

/**
 * An agent's outbox was full and evicted data that never reached the hub. Data loss is always worth an
 * alert; repeated drops update the same alert until the agent has been quiet for `resolve_after_s`.
 */
export const bufferDrop: RuleKind<z.infer<typeof Params>> = {
  name: 'buffer-drop',
  description: "An agent's outbox overflowed and dropped data before it reached the hub.",
  builtin: true,
  defaultSeverity: 'high',
  params: Params,
  evaluate(state, input, now, rule) {
    if (input.kind === 'tick') {
      let next = state;
      const actions: RuleAction[] = [];
      for (const [key, t] of Object.entries(state)) {
        if (t.firing && t.last !== undefined && now - t.last >= rule.params.resolve_after_s * 1000) {
          next = setTarget(next, key, undefined);
          actions.push({ type: 'clear', key, ts: now, quiet: true });
        }
      }
      return { state: next, actions };
    }
    if (input.kind !== 'agent.event' || input.event.type !== 'buffer_drop') return { state, actions: [] };
    const e = input.event as unknown as Extract<KnownEvent, { type: 'buffer_drop' }>;
    const key = agentKey(input.agent_id);
    const target = { key, agent_id: input.agent_id, site_id: input.site_id };
    const range =
      e.oldest_ts !== undefined && e.newest_ts !== undefined
        ? ` (data from ${new Date(e.oldest_ts).toISOString()} to ${new Date(e.newest_ts).toISOString()})`
        : '';
    const message = `${e.dropped} rows dropped, ${e.total_dropped} in total${range}`;
    return {
      state: setTarget(state, key, { firing: true, target, last: e.ts }),
      actions: [
        {
          type: 'fire',
          target,
          title: `Agent ${ref('agent', input.agent_id)} dropped buffered data`,
          message,
          ts: e.ts,
        },
      ],
    };
  },
};
