import { type MaintenanceScope, scopeMatches } from '../alerts/maintenance.js';
import { atLeast, type Severity } from '../alerts/types.js';

/** A route as the planner sees it: which alerts go to a channel, after how long, and how often again. */
export interface EffectiveRoute {
  channel_id: number;
  /** Explicit severities, or everything at or above `min_severity`. */
  severities: Severity[] | null;
  min_severity: Severity;
  scope: MaintenanceScope;
  /** Rule keys (`device-unreachable`, `threshold:4`); null means every rule. */
  rules: string[] | null;
  /** Escalation: only notify this channel once the alert has been open and unacknowledged this long. */
  delay_s: number;
  /** Re-notify an open, unacknowledged alert this often; 0 never. */
  repeat_interval_s: number;
  /** When the channel was created: alerts opened before are not announced to it (no flood on creation). */
  since?: number;
}

/** The alert facts the planner needs. */
export interface PlanAlert {
  id: number;
  rule: string;
  severity: Severity;
  state: 'open' | 'resolved';
  opened_at: number;
  site_id: number | null;
  device_id: number | null;
  camera_id: number | null;
  flapping: boolean;
  /** Recorded but not to be notified now: suppressed by a dependency, or inside a maintenance window. */
  muted: boolean;
  acknowledged: boolean;
  /** Resolved without a recovery notice (one-shot happenings), or recovery already handled. */
  recovery_handled: boolean;
}

export type NoticeKind = 'problem' | 'repeat' | 'recovery' | 'flapping';

/** What was already queued for this alert on one channel, oldest first. */
export type ChannelHistory = { kind: NoticeKind; at: number }[];

/** Pure: queued notices (oldest first) as per-alert, per-channel histories for `planNotices`. */
export function groupHistory(
  records: readonly { alert_id: number; channel_id: number; kind: string; created_at: number }[],
): Map<number, Map<number, ChannelHistory>> {
  const out = new Map<number, Map<number, ChannelHistory>>();
  for (const r of records) {
    let perChannel = out.get(r.alert_id);
    if (!perChannel) {
      perChannel = new Map();
      out.set(r.alert_id, perChannel);
    }
    const list = perChannel.get(r.channel_id) ?? [];
    list.push({ kind: r.kind as NoticeKind, at: r.created_at });
    perChannel.set(r.channel_id, list);
  }
  return out;
}

export interface PlannedNotice {
  channel_id: number;
  kind: NoticeKind;
}

export function routeMatches(r: EffectiveRoute, a: PlanAlert): boolean {
  const severityOk = r.severities ? r.severities.includes(a.severity) : atLeast(a.severity, r.min_severity);
  return severityOk && (r.rules === null || r.rules.includes(a.rule)) && scopeMatches(r.scope, a);
}

/**
 * Pure: which notices an alert needs now on each channel, from the routes and what each channel was already
 * sent. Level-based: a channel is brought to the alert's current state (problem or recovered) once that is
 * allowed, so a notice delayed by suppression, maintenance, flapping or settling is sent later, not lost.
 */
export function planNotices(
  a: PlanAlert,
  routes: readonly EffectiveRoute[],
  history: ReadonlyMap<number, ChannelHistory>,
  now: number,
  settleMs: number,
): PlannedNotice[] {
  const out: PlannedNotice[] = [];
  const byChannel = new Map<number, EffectiveRoute[]>();
  for (const r of routes) {
    if (!routeMatches(r, a)) continue;
    byChannel.set(r.channel_id, [...(byChannel.get(r.channel_id) ?? []), r]);
  }
  // Recovery goes to every channel that was told about the problem, even if routing changed since.
  for (const channel of new Set([...byChannel.keys(), ...history.keys()])) {
    const h = history.get(channel) ?? [];
    const lastState = [...h].reverse().find((n) => n.kind !== 'flapping');
    const problemSent = lastState !== undefined && lastState.kind !== 'recovery';
    const flapNoticeSent = h.some((n) => n.kind === 'flapping' && (!lastState || n.at >= lastState.at));
    if (a.flapping) {
      if (problemSent && !flapNoticeSent) out.push({ channel_id: channel, kind: 'flapping' });
      continue;
    }
    if (a.state === 'resolved') {
      if (problemSent && !a.recovery_handled) out.push({ channel_id: channel, kind: 'recovery' });
      continue;
    }
    const matching = byChannel.get(channel);
    if (!matching || a.muted || a.acknowledged || now - a.opened_at < settleMs) continue;
    const open = now - a.opened_at;
    // After a flapping notice the channel is told the settled state again.
    if (!problemSent || flapNoticeSent) {
      const fresh = matching.filter((r) => r.since === undefined || a.opened_at >= r.since);
      if (fresh.some((r) => open >= r.delay_s * 1000)) out.push({ channel_id: channel, kind: 'problem' });
      continue;
    }
    const lastAt = lastState!.at;
    const due = matching.some((r) => r.repeat_interval_s > 0 && now - lastAt >= r.repeat_interval_s * 1000);
    if (due) out.push({ channel_id: channel, kind: 'repeat' });
  }
  return out;
}
