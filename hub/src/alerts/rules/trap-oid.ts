import * as z from 'zod';
import { type RuleAction, type RuleKind, ref, setTarget } from '../types.js';
import { inScope } from './threshold.js';
import { trapOf } from './trap-fields.js';

const Oid = z.string().regex(/^\d+(\.\d+)+$/, 'must be a numeric OID such as 1.3.6.1.4.1.9.9.41.2.0.1');

const Params = z
  .object({
    trap_oid: Oid,
    scope: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('all') }).strict(),
        z.object({ type: z.literal('device'), id: z.number().int().positive() }).strict(),
        z.object({ type: z.literal('device_type'), value: z.string().min(1).max(64) }).strict(),
        z.object({ type: z.literal('site'), id: z.number().int().positive() }).strict(),
      ])
      .default({ type: 'all' }),
    /** The trap that announces the end of the problem (from the same device). */
    clear_trap_oid: Oid.optional(),
    /** Without a clear trap the alert resolves quietly this long after the last matching trap (0: only by hand). */
    resolve_after_s: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(3600),
  })
  .strict();
export type TrapOidParams = z.infer<typeof Params>;

/**
 * A user rule on a trap OID: a trap the hub does not map by itself (a vendor's fan failure, a door contact)
 * opens an alert on its device (or on its sender's address), and the clear trap, or time, resolves it.
 */
export const trapOid: RuleKind<TrapOidParams> = {
  name: 'trap-oid',
  description: 'A trap with this OID opens an alert; an optional clear trap (or time) resolves it.',
  builtin: false,
  defaultSeverity: 'medium',
  params: Params,
  evaluate(state, input, now, rule) {
    const p = rule.params;
    if (input.kind === 'tick') {
      if (p.resolve_after_s === 0) return { state, actions: [] };
      let next = state;
      const actions: RuleAction[] = [];
      for (const [key, t] of Object.entries(state)) {
        if (t.firing && now - (t.last ?? now) >= p.resolve_after_s * 1000) {
          next = setTarget(next, key, undefined);
          actions.push({ type: 'clear', key, ts: now, quiet: true });
        }
      }
      return { state: next, actions };
    }
    if (input.kind !== 'agent.event') return { state, actions: [] };
    const trap = trapOf(input.event);
    if (!trap || (trap.trap_oid !== p.trap_oid && trap.trap_oid !== p.clear_trap_oid))
      return { state, actions: [] };
    const deviceType = (input.event as { device_type?: string }).device_type;
    if (!inScope(p.scope, trap.device_id, input.site_id, deviceType)) return { state, actions: [] };
    const key =
      trap.device_id !== undefined ? `device:${trap.device_id}` : `source:${input.site_id}:${trap.source}`;
    const cur = state[key];
    if (trap.trap_oid === p.clear_trap_oid) {
      if (!cur?.firing) return { state, actions: [] };
      return {
        state: setTarget(state, key, undefined),
        actions: [{ type: 'clear', key, ts: trap.ts, message: `clear trap ${p.clear_trap_oid}` }],
      };
    }
    const what = trap.device_id !== undefined ? ref('device', trap.device_id) : trap.source;
    const title = `${rule.name}: trap ${p.trap_oid} from ${what}`;
    const message = trap.varbinds
      .slice(0, 8)
      .map((v) => `${v.oid} = ${v.value}`)
      .join('; ')
      .slice(0, 1000);
    const target = {
      key,
      site_id: input.site_id,
      agent_id: input.agent_id,
      ...(trap.device_id !== undefined ? { device_id: trap.device_id } : {}),
    };
    const next = setTarget(state, key, {
      firing: true,
      since: cur?.since ?? trap.ts,
      last: trap.ts,
      target,
      title,
      message,
    });
    if (cur?.firing) return { state: next, actions: [] };
    return { state: next, actions: [{ type: 'fire', target, title, message, ts: trap.ts }] };
  },
};
