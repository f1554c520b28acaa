import type { AlertRow } from '../store/alerts.js';

const TIME_FIELDS = [
  'created_at',
  'opened_at',
  'last_seen',
  'resolved_at',
  'acknowledged_at',
  'ack_expires_at',
  'notified_at',
  'last_notified_at',
  'recovery_handled_at',
] as const;

/**
 * The public representation of an alert: what the API returns, `alert.changed` carries (SSE) and webhooks
 * receive. Flags as booleans, times as ISO 8601, the acknowledging user's name; no flap bookkeeping.
 */
export function alertToApi(r: AlertRow): Record<string, unknown> {
  const { transitions: _t, acknowledged, suppressed, flapping, ...rest } = r;
  const v: Record<string, unknown> = {
    ...rest,
    acknowledged: acknowledged === 1,
    suppressed: suppressed === 1,
    flapping: flapping === 1,
  };
  for (const k of TIME_FIELDS) {
    if (typeof v[k] === 'number') v[k] = new Date(v[k] as number).toISOString();
  }
  v.acknowledged_by_username = r.acknowledged_by_username ?? null;
  return v;
}

/** Whether an acknowledgement is in force at `now` (an expired one no longer silences repeats). */
export function isAcknowledged(r: AlertRow, now: number): boolean {
  return r.acknowledged === 1 && (r.ack_expires_at === null || r.ack_expires_at > now);
}
