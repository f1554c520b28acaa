import * as z from 'zod';
import { agentKey, type RuleKind, ref, setTarget } from '../types.js';
import { observe, tickPending } from './condition.js';

const Params = z
  .object({
    /** How long an agent must stay offline before the alert opens. */
    for_s: z.number().int().min(0).max(86_400).default(0),
    /**
     * Also open the alert when an agent that sends data has been silent this long (a hung agent whose MQTT
     * connection stays up). 0 disables it: the broker's keepalive and the agent's will cover lost connections.
     */
    silence_s: z.number().int().min(0).max(86_400).default(0),
  })
  .strict();

/** An agent went offline: its MQTT will, a clean shutdown, missed heartbeats or silence. */
export const agentOffline: RuleKind<z.infer<typeof Params>> = {
  name: 'agent-offline',
  description: 'A site agent lost its connection to the hub (will, shutdown, missed heartbeats).',
  builtin: true,
  defaultSeverity: 'critical',
  params: Params,
  sampleMetrics: (p) => (p.silence_s > 0 ? 'batch' : []),
  evaluate(state, input, now, rule) {
    const forMs = rule.params.for_s * 1000;
    if (input.kind === 'tick') {
      const r = tickPending(state, now, forMs);
      if (rule.params.silence_s === 0) return r;
      let next = r.state;
      const actions = [...r.actions];
      for (const [key, t] of Object.entries(next)) {
        const seen = Number(t.data?.seen_at ?? Number.NaN);
        if (t.firing || t.since !== undefined || !t.target || !(now - seen >= rule.params.silence_s * 1000))
          continue;
        const o = observe(
          next,
          {
            key,
            holds: true,
            ts: now,
            target: t.target,
            title: `Agent ${ref('agent', t.target.agent_id!)} offline`,
            message: `no data for ${rule.params.silence_s} s`,
          },
          forMs,
        );
        next = o.state;
        actions.push(...o.actions);
      }
      return { state: next, actions };
    }
    if (input.kind === 'agent.status') {
      const key = agentKey(input.agent_id);
      const r = observe(
        state,
        {
          key,
          // A revoked agent is gone on purpose: nothing to watch, its alert resolves.
          holds: input.state === 'offline' && input.reason !== 'revoked',
          ts: input.ts,
          target: { key, agent_id: input.agent_id, site_id: input.site_id },
          title: `Agent ${ref('agent', input.agent_id)} offline`,
          message: input.reason ? `reason: ${input.reason}` : undefined,
        },
        forMs,
      );
      if (input.state === 'online' && rule.params.silence_s > 0)
        return { ...r, state: seen(r.state, key, input) };
      return r;
    }
    if ((input.kind === 'sample' || input.kind === 'agent.event') && rule.params.silence_s > 0) {
      const key = agentKey(input.agent_id);
      const ts = input.kind === 'sample' ? input.sample.ts : input.event.ts;
      const cur = state[key];
      // Data from an agent reported offline by silence means it is back.
      if (cur?.firing && cur.message?.startsWith('no data')) {
        const r = observe(state, { key, holds: false, ts, target: cur.target!, title: '' }, forMs);
        return { ...r, state: seen(r.state, key, { ...input, ts }) };
      }
      if (cur && cur.since !== undefined) return { state, actions: [] };
      return { state: seen(state, key, { ...input, ts }), actions: [] };
    }
    return { state, actions: [] };
  },
};

function seen(
  state: Readonly<Record<string, import('../types.js').TargetState>>,
  key: string,
  i: { agent_id: string; site_id: number; ts: number },
) {
  const cur = state[key];
  if (cur?.firing || cur?.since !== undefined) return state;
  return setTarget(state, key, {
    firing: false,
    target: { key, agent_id: i.agent_id, site_id: i.site_id },
    data: { seen_at: i.ts },
  });
}
