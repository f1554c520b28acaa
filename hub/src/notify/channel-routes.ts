import type { MaintenanceScope } from '../alerts/maintenance.js';
import type { Severity } from '../alerts/types.js';
import type { ChannelRow, RouteRow } from '../store/channels.js';
import type { EffectiveRoute } from './plan.js';

/** A route as the planner and the API read it. */
export interface Route {
  scope: MaintenanceScope;
  severities: Severity[] | null;
  rules: string[] | null;
  delay_s: number;
  repeat_interval_s: number | null;
}

/** Parses a stored route. */
export function parseRoute(r: RouteRow): Route {
  return {
    scope: JSON.parse(r.scope) as MaintenanceScope,
    severities: r.severities ? (JSON.parse(r.severities) as Severity[]) : null,
    rules: r.rules ? (JSON.parse(r.rules) as string[]) : null,
    delay_s: r.delay_s,
    repeat_interval_s: r.repeat_interval_s,
  };
}

/**
 * Pure: the routes of every enabled channel as the planner uses them. A channel without routes gets one
 * implicit route: everything at or above its minimum severity, repeated every `defaultRepeatS`.
 */
export function effectiveRoutes(
  channels: readonly ChannelRow[],
  routes: readonly RouteRow[],
  defaultRepeatS: number,
): EffectiveRoute[] {
  const byChannel = new Map<number, Route[]>();
  for (const r of routes)
    byChannel.set(r.channel_id, [...(byChannel.get(r.channel_id) ?? []), parseRoute(r)]);
  const out: EffectiveRoute[] = [];
  for (const c of channels) {
    if (c.enabled !== 1) continue;
    const own = byChannel.get(c.id) ?? [];
    if (own.length === 0) {
      out.push({
        channel_id: c.id,
        severities: null,
        min_severity: c.min_severity,
        scope: { type: 'all' },
        rules: null,
        delay_s: 0,
        repeat_interval_s: defaultRepeatS,
        since: c.created_at,
      });
      continue;
    }
    for (const r of own) {
      out.push({
        channel_id: c.id,
        severities: r.severities,
        min_severity: c.min_severity,
        scope: r.scope,
        rules: r.rules,
        delay_s: r.delay_s,
        repeat_interval_s: r.repeat_interval_s ?? defaultRepeatS,
        since: c.created_at,
      });
    }
  }
  return out;
}
