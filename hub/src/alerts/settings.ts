/** The alerting service's tunables (config keys `alert*` and `notify*`, see config.ts). */
export interface AlertSettings {
  /** How often rules see a clock tick (absence of data, `for` durations) and notices are planned. */
  tickMs: number;
  /** Notices wait this long after an alert opens so that dependencies reported in the same batch apply. */
  settleMs: number;
  flapWindowMs: number;
  flapThreshold: number;
  /** After an agent reconnects, its site's device/camera alerts stay suppressed this long. */
  dependencyGraceMs: number;
  /** Repeat interval for unacknowledged alerts on channels without explicit routes; 0 never. */
  repeatIntervalS: number;
  /** Local time (HH:MM) of the daily summary, or '' for none. */
  summaryAt: string;
  summaryTimezone: string;
  notifyTimeoutMs: number;
  notifyMaxAttempts: number;
  notifyBackoffMs: number;
  publicUrl?: string;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  tickMs: 1000,
  settleMs: 500,
  flapWindowMs: 15 * 60_000,
  flapThreshold: 6,
  dependencyGraceMs: 120_000,
  repeatIntervalS: 4 * 3600,
  summaryAt: '08:00',
  summaryTimezone: 'UTC',
  notifyTimeoutMs: 10_000,
  notifyMaxAttempts: 8,
  notifyBackoffMs: 5_000,
};
