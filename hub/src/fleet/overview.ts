import type { SiteHealthRow } from '../store/fleet.js';

/**
 * A growing backlog below this many rows is the normal ebb and flow of batches in flight (a busy site has a
 * few batches of up to 1,000 samples waiting for their ack at any moment); above it, growth means the link
 * does not keep up.
 */
export const BACKLOG_NOISE_ROWS = 1000;

/**
 * How a site looks at a glance (one grid cell): `critical` (an open critical alert or every agent offline),
 * `problem` (an open high alert, devices or cameras down), `warning` (lesser alerts, a growing backlog,
 * devices or cameras but no agent to poll them, degraded cameras, devices never polled), `ok`, or `empty` (no
 * agent and nothing to monitor yet).
 */
export type SiteState = 'critical' | 'problem' | 'warning' | 'ok' | 'empty';

export interface RankedSite extends SiteHealthRow {
  state: SiteState;
  /** Every agent of the site is offline (a site without agents is not "offline": it has none). */
  agent_offline: boolean;
  backlog_growing: boolean;
  /** What is wrong, worst first, in words (`2 critical alerts, 1 not acknowledged`). */
  reasons: string[];
  /** 1 = the worst site. */
  rank: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function alertsReason(n: number, unacked: number, severity: string): string | undefined {
  if (n === 0) return undefined;
  const base = `${plural(n, `${severity} alert`)}`;
  if (unacked === n) return base;
  return `${base}, ${unacked === 0 ? 'all' : n - unacked} acknowledged`;
}

function unwatchedWhat(s: SiteHealthRow): string {
  const parts = [
    s.devices > 0 ? plural(s.devices, 'device') : undefined,
    s.cameras > 0 ? plural(s.cameras, 'camera') : undefined,
  ];
  return parts.filter((p) => p !== undefined).join(' and ');
}

/** Pure: a site's state, what is wrong, and its sort key (compared element by element, larger is worse). */
export function assess(s: SiteHealthRow): {
  state: SiteState;
  agent_offline: boolean;
  backlog_growing: boolean;
  reasons: string[];
  key: number[];
} {
  const agentOffline = s.agents > 0 && s.agents_online === 0;
  // Devices and cameras at a site without an agent are polled by nobody: their last status is stale.
  const unwatched = s.agents === 0 && s.devices + s.cameras > 0;
  const growing = s.agents_backlog_growing > 0;
  const down = s.devices_down + s.cameras_down;
  const lesser = s.open.medium + s.open.low;
  const reasons = [
    alertsReason(s.open.critical, s.unacknowledged.critical, 'critical'),
    agentOffline ? (s.agents === 1 ? 'agent offline' : `all ${s.agents} agents offline`) : undefined,
    alertsReason(s.open.high, s.unacknowledged.high, 'high'),
    s.devices_down > 0
      ? `${s.devices_down} of ${plural(s.devices, 'device')} down${s.devices_auth_failed ? ` (${s.devices_auth_failed} refusing credentials)` : ''}`
      : undefined,
    s.cameras_down > 0 ? `${s.cameras_down} of ${plural(s.cameras, 'camera')} down` : undefined,
    growing ? `backlog growing (${s.backlog.toLocaleString('en-US')} rows)` : undefined,
    unwatched ? `no agent: nothing polls its ${unwatchedWhat(s)}` : undefined,
    lesser > 0 ? `${plural(lesser, 'medium or low alert')}` : undefined,
    s.cameras_degraded > 0 ? `${plural(s.cameras_degraded, 'camera')} degraded` : undefined,
    s.devices_unknown > 0 ? `${plural(s.devices_unknown, 'device')} not polled yet` : undefined,
  ].filter((r): r is string => r !== undefined);
  let state: SiteState;
  if (s.open.critical > 0 || agentOffline) state = 'critical';
  else if (s.open.high > 0 || down > 0) state = 'problem';
  else if (lesser > 0 || growing || unwatched || s.cameras_degraded > 0 || s.devices_unknown > 0)
    state = 'warning';
  else if (s.agents === 0 && s.devices === 0 && s.cameras === 0) state = 'empty';
  else state = 'ok';
  // The order the operator works in: critical alerts (unacknowledged first), a site cut off, high alerts,
  // things down, a link that does not keep up, then the rest.
  const key = [
    s.unacknowledged.critical,
    s.open.critical,
    agentOffline ? 1 : 0,
    s.unacknowledged.high,
    s.open.high,
    down,
    growing ? 1 : 0,
    unwatched ? 1 : 0,
    s.unacknowledged.medium + s.unacknowledged.low,
    lesser,
    s.cameras_degraded,
    s.devices_unknown,
  ];
  return { state, agent_offline: agentOffline, backlog_growing: growing, reasons, key };
}

/**
 * Pure: sites ranked worst first. Ties go to the site whose oldest critical or high alert is older (it has
 * waited longest), then by name.
 */
export function rankSites(rows: readonly SiteHealthRow[]): RankedSite[] {
  // Names compare as lower-case strings: a locale collator costs microseconds per comparison, and most of
  // the comparisons of a quiet fleet are between names.
  const assessed = rows.map((row) => ({ row, a: assess(row), name: row.name.toLowerCase() }));
  assessed.sort((x, y) => {
    for (let i = 0; i < x.a.key.length; i++) {
      const d = (y.a.key[i] ?? 0) - (x.a.key[i] ?? 0);
      if (d !== 0) return d;
    }
    const ox = x.row.oldest_problem_at ?? Number.POSITIVE_INFINITY;
    const oy = y.row.oldest_problem_at ?? Number.POSITIVE_INFINITY;
    if (ox !== oy) return ox - oy;
    if (x.name !== y.name) return x.name < y.name ? -1 : 1;
    return x.row.id - y.row.id;
  });
  // An object literal, not a spread: V8 builds 1,000 spreads of these rows about 20 times slower.
  return assessed.map(({ row: r, a }, i) => ({
    id: r.id,
    name: r.name,
    agents: r.agents,
    agents_online: r.agents_online,
    backlog: r.backlog,
    agents_backlog_growing: r.agents_backlog_growing,
    last_seen: r.last_seen,
    devices: r.devices,
    devices_down: r.devices_down,
    devices_auth_failed: r.devices_auth_failed,
    devices_unknown: r.devices_unknown,
    cameras: r.cameras,
    cameras_down: r.cameras_down,
    cameras_degraded: r.cameras_degraded,
    open: r.open,
    unacknowledged: r.unacknowledged,
    oldest_problem_at: r.oldest_problem_at,
    state: a.state,
    agent_offline: a.agent_offline,
    backlog_growing: a.backlog_growing,
    reasons: a.reasons,
    rank: i + 1,
  }));
}
