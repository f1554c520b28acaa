import * as z from 'zod';
import { deviceKey, type RuleAction, type RuleKind, type RuleState, ref, setTarget } from '../types.js';

const Params = z
  .object({
    /** The alert resolves by itself (without a recovery notice) this long after the last reboot. */
    resolve_after_s: z
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(3600),
    /** Samples of this metric (seconds since boot) are also checked for going backwards. */
    uptime_metric: z.string().min(1).max(128).default('sys_uptime'),
  })
  .strict();

/** sysUpTime is TimeTicks (1/100 s) in 32 bits: it wraps after 2^32 / 100 s, about 497 days. */
export const UPTIME_WRAP_S = 2 ** 32 / 100;

/** Two reports of the same reboot (the ingest's event and an uptime sample) within this window are one. */
const SAME_REBOOT_MS = 10 * 60_000;

/**
 * Whether an uptime reading means the device rebooted since the previous one. Uptime should have grown by
 * the elapsed time; a reading well below that is a reboot, unless it matches a 32-bit TimeTicks wrap.
 */
export function isReboot(prevUptimeS: number, prevTs: number, uptimeS: number, ts: number): boolean {
  const elapsedS = Math.max(0, (ts - prevTs) / 1000);
  const expected = prevUptimeS + elapsedS;
  const tolerance = Math.max(60, elapsedS * 0.1);
  if (expected >= UPTIME_WRAP_S && Math.abs(uptimeS - (expected - UPTIME_WRAP_S)) <= tolerance) return false;
  return uptimeS < expected - tolerance && uptimeS < prevUptimeS + elapsedS;
}

/** A device rebooted: its uptime went backwards. One alert per device counts the reboots. */
export const deviceRebooted: RuleKind<z.infer<typeof Params>> = {
  name: 'device-rebooted',
  description: "A device's uptime went backwards: it restarted.",
  builtin: true,
  defaultSeverity: 'low',
  params: Params,
  sampleMetrics: (p) => [p.uptime_metric],
  evaluate(state, input, now, rule) {
    if (input.kind === 'tick') {
      let next = state;
      const actions: RuleAction[] = [];
      for (const [key, t] of Object.entries(state)) {
        // After a restart the restored alert only knows when it was last seen.
        const at = Number(t.data?.reboot_at ?? t.last ?? Number.NaN);
        if (t.firing && now - at >= rule.params.resolve_after_s * 1000) {
          next = setTarget(next, key, { ...t, firing: false });
          actions.push({ type: 'clear', key, ts: now, quiet: true });
        }
      }
      return { state: next, actions };
    }
    if (input.kind === 'device.rebooted') {
      return reboot(state, input.device_id, input.site_id, input.ts, input.uptime_s, input.previous_uptime_s);
    }
    if (input.kind === 'sample' && input.sample.device_id !== undefined) {
      const s = input.sample;
      if (s.metric !== rule.params.uptime_metric) return { state, actions: [] };
      const key = deviceKey(s.device_id!);
      const cur = state[key];
      const prev = cur?.data?.uptime_s;
      const prevTs = cur?.data?.uptime_ts;
      const remembered = setTarget(state, key, {
        firing: cur?.firing ?? false,
        ...cur,
        data: { ...cur?.data, uptime_s: s.value, uptime_ts: s.ts },
      });
      if (
        prev === undefined ||
        prevTs === undefined ||
        !isReboot(Number(prev), Number(prevTs), s.value, s.ts)
      ) {
        return { state: remembered, actions: [] };
      }
      return reboot(remembered, s.device_id!, input.site_id, s.ts, s.value, Number(prev));
    }
    return { state, actions: [] };
  },
};

function reboot(
  state: RuleState,
  deviceId: number,
  siteId: number,
  ts: number,
  uptime: number,
  prev: number,
) {
  const key = deviceKey(deviceId);
  const cur = state[key];
  const last = Number(cur?.data?.reboot_at ?? Number.NaN);
  if (cur?.firing && Math.abs(ts - last) < SAME_REBOOT_MS) return { state, actions: [] };
  const target = { key, device_id: deviceId, site_id: siteId };
  const message = `uptime ${Math.round(uptime)} s, was ${Math.round(prev)} s`;
  return {
    state: setTarget(state, key, {
      ...cur,
      firing: true,
      target,
      data: { ...cur?.data, reboot_at: ts },
    }),
    actions: [
      { type: 'fire' as const, target, title: `Device ${ref('device', deviceId)} rebooted`, message, ts },
    ],
  };
}
