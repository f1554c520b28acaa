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

/** The settings from the hub config (keys `alert*`, `notify*`); unset keys keep their defaults. */
export function alertSettings(
  config: { publicUrl?: string } & Partial<Record<string, unknown>>,
): AlertSettings {
  const num = (key: string, fallback: number, scale = 1) =>
    typeof config[key] === 'number' ? (config[key] as number) * scale : fallback;
  const str = (key: string, fallback: string) =>
    typeof config[key] === 'string' ? (config[key] as string) : fallback;
  const d = DEFAULT_ALERT_SETTINGS;
  return {
    tickMs: d.tickMs,
    settleMs: num('alertSettleMs', d.settleMs),
    flapWindowMs: num('alertFlapWindowS', d.flapWindowMs, 1000),
    flapThreshold: num('alertFlapThreshold', d.flapThreshold),
    dependencyGraceMs: num('alertDependencyGraceS', d.dependencyGraceMs, 1000),
    repeatIntervalS: num('alertRepeatIntervalS', d.repeatIntervalS),
    summaryAt: str('alertSummaryAt', d.summaryAt),
    summaryTimezone: str('alertSummaryTimezone', d.summaryTimezone),
    notifyTimeoutMs: num('notifyTimeoutMs', d.notifyTimeoutMs),
    notifyMaxAttempts: num('notifyMaxAttempts', d.notifyMaxAttempts),
    notifyBackoffMs: d.notifyBackoffMs,
    publicUrl: config.publicUrl,
  };
}
