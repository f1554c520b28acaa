import * as z from 'zod';
import {
  type RuleAction,
  type RuleKind,
  type RuleState,
  ref,
  setTarget,
  type TargetState,
} from '../types.js';
import { linkOf, TRAPS, trapOf } from './trap-fields.js';

const Params = z
  .object({
    for_s: z.number().int().min(0).max(86_400).default(0),
    oper_metric: z.string().min(1).max(128).default('if_oper_status'),
    admin_metric: z.string().min(1).max(128).default('if_admin_status'),
    /** ifOperStatus values that count as down (RFC 2863: 2 down, 7 lowerLayerDown). */
    down_values: z.array(z.number().int()).min(1).max(7).default([2, 7]),
  })
  .strict();

// RFC 2863 ifAdminStatus/ifOperStatus: up(1).
const UP = 1;

/**
 * An interface that was up went down while it is administratively up. Interfaces shut down on purpose
 * (admin down) never alert and resolve an open alert; ports that were never seen up (unused access ports)
 * do not alert either. A linkDown trap (the port was up until then) opens the alert before the next poll, and
 * a linkUp trap or the next poll that finds the port up resolves it: one alert, whichever comes first.
 */
export const interfaceDown: RuleKind<z.infer<typeof Params>> = {
  name: 'interface-down',
  description: 'An admin-up interface that was up is operationally down.',
  builtin: true,
  defaultSeverity: 'medium',
  params: Params,
  sampleMetrics: (p) => [p.oper_metric, p.admin_metric],
  evaluate(state, input, now, rule) {
    const p = rule.params;
    const forMs = p.for_s * 1000;
    if (input.kind === 'tick') {
      let next = state;
      const actions: RuleAction[] = [];
      for (const [key, t] of Object.entries(state)) {
        if (!t.firing && t.since !== undefined && now - t.since >= forMs) {
          next = setTarget(next, key, { ...t, firing: true });
          actions.push(fireAction(t, now));
        }
      }
      return { state: next, actions };
    }
    if (input.kind === 'agent.event') {
      const trap = trapOf(input.event);
      if (!trap || trap.device_id === undefined) return { state, actions: [] };
      if (trap.trap_oid !== TRAPS.linkDown && trap.trap_oid !== TRAPS.linkUp) return { state, actions: [] };
      const link = linkOf(trap);
      if (!link) return { state, actions: [] };
      const down = trap.trap_oid === TRAPS.linkDown;
      const key = `device:${trap.device_id}:if:${link.ifIndex}`;
      const cur: TargetState = state[key] ?? {
        firing: false,
        target: { key, device_id: trap.device_id, site_id: input.site_id, agent_id: input.agent_id },
        data: {},
      };
      // A linkDown says the port was up until now; without ifOperStatus in the trap, down(2) or up(1).
      const data = {
        ...cur.data,
        oper: link.oper ?? (down ? 2 : UP),
        up_seen: 1,
        ...(link.admin ? { admin: link.admin } : {}),
      };
      // The trap's own ifName/ifDescr, else the name a poll gave, else the hub's interface table (if_name).
      const polled = cur.title?.match(/^Interface (.+) down on /)?.[1];
      const name =
        link.name ??
        (polled && polled !== `ifIndex ${link.ifIndex}` ? polled : undefined) ??
        trap.if_name ??
        `ifIndex ${link.ifIndex}`;
      const admin = data.admin === undefined ? UP : Number(data.admin);
      const base: TargetState = {
        ...cur,
        data,
        title: `Interface ${name} down on ${ref('device', trap.device_id)}`,
        message: `${down ? 'linkDown' : 'linkUp'} trap: ifOperStatus ${data.oper}, ifAdminStatus ${admin}`,
      };
      const isDown = admin === UP && p.down_values.includes(Number(data.oper));
      return step(state, key, base, isDown, trap.ts, forMs);
    }
    if (input.kind !== 'sample') return { state, actions: [] };
    const s = input.sample;
    if (s.device_id === undefined || (s.metric !== p.oper_metric && s.metric !== p.admin_metric)) {
      return { state, actions: [] };
    }
    const ifIndex = s.labels?.if_index ?? s.labels?.if_name;
    if (ifIndex === undefined) return { state, actions: [] };
    const key = `device:${s.device_id}:if:${ifIndex}`;
    const cur: TargetState = state[key] ?? {
      firing: false,
      target: { key, device_id: s.device_id, site_id: input.site_id, agent_id: input.agent_id },
      data: {},
    };
    const field = s.metric === p.oper_metric ? 'oper' : 'admin';
    // The common case, a steady interface reported again: nothing changes, no copy.
    if (state[key] && cur.since === undefined && cur.data?.[field] === s.value) return { state, actions: [] };
    const data = { ...cur.data, [field]: s.value };
    const name = s.labels?.if_name ?? `ifIndex ${ifIndex}`;
    const admin = data.admin === undefined ? UP : Number(data.admin); // unknown admin status: assume up
    const oper = data.oper === undefined ? undefined : Number(data.oper);
    // An alert restored after a restart proves the interface was up before.
    if ((oper === UP && admin === UP) || cur.firing) data.up_seen = 1;
    const down = admin === UP && oper !== undefined && p.down_values.includes(oper) && data.up_seen === 1;
    const base: TargetState = {
      ...cur,
      data,
      title: `Interface ${name} down on ${ref('device', s.device_id)}`,
      message: `ifOperStatus ${oper}, ifAdminStatus ${admin}`,
    };
    return step(state, key, base, down, s.ts, forMs);
  },
};

function step(state: RuleState, key: string, t: TargetState, down: boolean, ts: number, forMs: number) {
  if (!down) {
    const actions: RuleAction[] = t.firing ? [{ type: 'clear', key, ts }] : [];
    return { state: setTarget(state, key, { ...t, firing: false, since: undefined }), actions };
  }
  if (t.firing) return { state: setTarget(state, key, { ...t, last: ts }), actions: [] };
  const since = t.since ?? ts;
  if (ts - since >= forMs) {
    const next = { ...t, since, firing: true, last: ts };
    return { state: setTarget(state, key, next), actions: [fireAction(next, ts)] };
  }
  return { state: setTarget(state, key, { ...t, since, last: ts }), actions: [] };
}

function fireAction(t: TargetState, ts: number): RuleAction {
  return { type: 'fire', target: t.target!, title: t.title ?? t.target!.key, message: t.message, ts };
}
