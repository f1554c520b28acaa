import { localClock } from '../alerts/maintenance.js';
import { getState, setState } from '../alerts/state.js';
import { SEVERITIES } from '../alerts/types.js';
import type { NotificationMessage } from '../notifiers/types.js';
import type { Db } from '../store/db.js';
import { listChannels } from './channels-store.js';

const DAY_MS = 86_400_000;

/** The local calendar date (YYYY-MM-DD) of `ts` in `timezone`. */
export function localDate(ts: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ts));
}

/** Whether the summary for the local day of `now` is due: past `at` (HH:MM) and not yet sent today. */
export function summaryDue(
  now: number,
  at: string,
  timezone: string,
  lastSentDate: string | undefined,
): boolean {
  if (!at) return false;
  const { minutes } = localClock(now, timezone);
  const due = Number(at.slice(0, 2)) * 60 + Number(at.slice(3, 5));
  return minutes >= due && lastSentDate !== localDate(now, timezone);
}

function count(db: Db, sql: string, ...args: unknown[]): number {
  return (db.prepare(sql).get(...args) as { n: number }).n;
}

function countBy(db: Db, sql: string): Record<string, number> {
  return Object.fromEntries((db.prepare(sql).all() as { k: string; n: number }[]).map((r) => [r.k, r.n]));
}

/** The daily summary: open alerts by severity, the last 24 h's alerts, device and camera status, noisiest alerts. */
export function buildSummary(db: Db, now: number): NotificationMessage {
  const since = now - DAY_MS;
  const open = countBy(
    db,
    `SELECT severity AS k, count(*) AS n FROM alerts WHERE state = 'open' GROUP BY severity`,
  );
  const opened = count(db, 'SELECT count(*) AS n FROM alerts WHERE created_at >= ?', since);
  const resolved = count(db, `SELECT count(*) AS n FROM alerts WHERE resolved_at >= ?`, since);
  const unacked = count(db, `SELECT count(*) AS n FROM alerts WHERE state = 'open' AND acknowledged = 0`);
  const devices = countBy(db, 'SELECT status AS k, count(*) AS n FROM devices GROUP BY status');
  const cameras = countBy(db, 'SELECT status AS k, count(*) AS n FROM cameras GROUP BY status');
  const noisy = db
    .prepare(
      `SELECT id, title, severity, count FROM alerts WHERE last_seen >= ? ORDER BY count DESC, id LIMIT 5`,
    )
    .all(since) as { id: number; title: string; severity: string; count: number }[];
  const openTotal = Object.values(open).reduce((s, n) => s + n, 0);
  const fmt = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  const lines = [
    `Open alerts: ${openTotal} (${
      SEVERITIES.filter((s) => open[s])
        .map((s) => `${s} ${open[s]}`)
        .join(', ') || 'none'
    }), ${unacked} not acknowledged`,
    `Last 24 h: ${opened} opened, ${resolved} resolved`,
    `Devices: ${fmt(devices)}`,
    `Cameras: ${fmt(cameras)}`,
    ...(noisy.length > 0
      ? ['Most frequent alerts:', ...noisy.map((n) => `  #${n.id} ${n.title} (${n.severity}, ${n.count}x)`)]
      : []),
  ];
  return {
    kind: 'summary',
    title: `[Outpost] Daily summary: ${openTotal} open alert${openTotal === 1 ? '' : 's'}`,
    text: lines.join('\n'),
    severity: 'info',
    summary: {
      open_by_severity: open,
      open: openTotal,
      unacknowledged: unacked,
      opened_24h: opened,
      resolved_24h: resolved,
      devices,
      cameras,
      noisiest: noisy,
    },
    ts: now,
  };
}

/** Queues the daily summary to every enabled channel that wants it, once per local day. Returns how many. */
export function maybeSendSummary(
  db: Db,
  now: number,
  at: string,
  timezone: string,
  enqueue: (channelId: number, message: NotificationMessage) => void,
): number {
  if (!summaryDue(now, at, timezone, getState(db, 'last_summary_date'))) return 0;
  const message = buildSummary(db, now);
  const channels = listChannels(db).filter((c) => c.enabled === 1 && c.daily_summary === 1);
  db.transaction(() => {
    for (const c of channels) enqueue(c.id, message);
    setState(db, 'last_summary_date', localDate(now, timezone));
  })();
  return channels.length;
}
