import * as z from 'zod';
import { deviceKey, type RuleAction, type RuleKind, ref, setTarget } from '../types.js';
import { TRAPS, trapOf } from './trap-fields.js';

const Params = z
  .object({
    /** The alert resolves by itself (quietly) this long after the trap when no poll of the device came since. */
    resolve_after_s: z
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(3600),
  })
  .strict();

/** Happenings a standard trap announces, each resolved by the next good poll of the device. */
const ONE_SHOT: Record<string, { what: string; suffix: string }> = {
  [TRAPS.coldStart]: { what: 'restarted (coldStart trap)', suffix: 'start' },
  [TRAPS.warmStart]: { what: 'restarted its agent (warmStart trap)', suffix: 'start' },
  [TRAPS.authenticationFailure]: {
    what: 'refused an SNMP request with wrong credentials (authenticationFailure trap)',
    suffix: 'auth',
  },
};

/**
 * The standard traps that announce a happening rather than a state: coldStart, warmStart and
 * authenticationFailure. The alert opens on the trap and resolves, quietly, at the next good poll of the device
 * (its system group answered) or after `resolve_after_s`. linkDown/linkUp belong to `interface-down`, UPS power
 * traps to `ups-on-battery`; other traps become alerts through `trap-oid` rules.
 */
export const snmpTrap: RuleKind<z.infer<typeof Params>> = {
  name: 'snmp-trap',
  description: 'A device announced a restart or an authentication failure by trap.',
  builtin: true,
  defaultSeverity: 'low',
  params: Params,
  sampleMetrics: () => ['sys_uptime'],
  evaluate(state, input, now, rule) {
    if (input.kind === 'tick') {
      let next = state;
      const actions: RuleAction[] = [];
      for (const [key, t] of Object.entries(state)) {
        if (t.firing && now - (t.since ?? now) >= rule.params.resolve_after_s * 1000) {
          next = setTarget(next, key, undefined);
          actions.push({ type: 'clear', key, ts: now, quiet: true });
        }
      }
      return { state: next, actions };
    }
    if (input.kind === 'sample') {
      const s = input.sample;
      if (s.device_id === undefined) return { state, actions: [] };
      // The next good poll after the trap: the device answers again.
      let next = state;
      const actions: RuleAction[] = [];
      for (const suffix of ['start', 'auth']) {
        const key = `${deviceKey(s.device_id)}:trap:${suffix}`;
        const t = next[key];
        if (t?.firing && s.ts > (t.since ?? 0)) {
          next = setTarget(next, key, undefined);
          actions.push({
            type: 'clear',
            key,
            ts: s.ts,
            quiet: true,
            message: 'the device answered the next poll',
          });
        }
      }
      return { state: next, actions };
    }
    if (input.kind !== 'agent.event') return { state, actions: [] };
    const trap = trapOf(input.event);
    const known = trap && ONE_SHOT[trap.trap_oid];
    if (!trap || !known || trap.device_id === undefined) return { state, actions: [] };
    const key = `${deviceKey(trap.device_id)}:trap:${known.suffix}`;
    const title = `${ref('device', trap.device_id)} ${known.what}`;
    const target = { key, device_id: trap.device_id, site_id: input.site_id, agent_id: input.agent_id };
    const message = `from ${trap.source}`;
    const cur = state[key];
    const next = setTarget(state, key, {
      firing: true,
      since: trap.ts,
      last: trap.ts,
      target,
      title,
      message,
    });
    // A repeat while open refreshes the time; it does not open a second alert.
    if (cur?.firing) return { state: next, actions: [] };
    return { state: next, actions: [{ type: 'fire', target, title, message, ts: trap.ts }] };
  },
};
