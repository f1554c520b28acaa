import { localClock } from '../alerts/maintenance.js';
import { SEVERITIES } from '../alerts/types.js';
import type { NotificationMessage } from '../notifiers/types.js';
import type { HubStore, Repositories } from '../store/port.js';

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

/** The daily summary: open alerts by severity, the last 24 h's alerts, device and camera status, noisiest alerts. */
export async function buildSummary(
  store: Pick<Repositories, 'alerts' | 'devices' | 'cameras'>,
  now: number,
): Promise<NotificationMessage> {
  const since = now - DAY_MS;
  const digest = await store.alerts.digest(since);
  const open = digest.open_by_severity;
  const { opened, resolved, noisiest: noisy } = digest;
  const unacked = digest.unacknowledged;
  const devices = await store.devices.statusCounts();
  const cameras = await store.cameras.statusCounts();
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

/**
 * Queues the daily summary to every enabled channel that wants it, once per local day: the messages and the
 * day's mark commit together. Returns how many were queued.
 */
export async function maybeSendSummary(
  store: HubStore,
  now: number,
  at: string,
  timezone: string,
): Promise<number> {
  if (!summaryDue(now, at, timezone, await store.alertingState.get('last_summary_date'))) return 0;
  const message = await buildSummary(store, now);
  const channels = (await store.channels.list()).filter((c) => c.enabled === 1 && c.daily_summary === 1);
  await store.unit(async (tx) => {
    for (const c of channels) await tx.notifications.enqueue(c.id, null, message.kind, message, now);
    await tx.alertingState.set('last_summary_date', localDate(now, timezone));
  });
  return channels.length;
}
