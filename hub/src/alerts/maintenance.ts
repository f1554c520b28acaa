import * as z from 'zod';

/** What a maintenance window covers. */
export const MaintenanceScope = z.discriminatedUnion('type', [
  z.object({ type: z.literal('all') }).strict(),
  z.object({ type: z.literal('site'), id: z.number().int().positive() }).strict(),
  z.object({ type: z.literal('device'), id: z.number().int().positive() }).strict(),
  z.object({ type: z.literal('camera'), id: z.number().int().positive() }).strict(),
]);
export type MaintenanceScope = z.infer<typeof MaintenanceScope>;

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:MM (24 h)');

/** When a window applies: once between two instants, or every week on some days between two times of day. */
export const MaintenanceSchedule = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('once'),
      starts_at: z.number().int().positive(),
      ends_at: z.number().int().positive(),
    })
    .strict()
    .refine((s) => s.ends_at > s.starts_at, {
      message: 'ends_at must be after starts_at',
      path: ['ends_at'],
    }),
  z
    .object({
      type: z.literal('weekly'),
      /** 0 = Sunday ... 6 = Saturday, in `timezone`. The window starts on these days. */
      days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
      start: HHMM,
      end: HHMM,
      timezone: z
        .string()
        .default('UTC')
        .refine((tz) => isTimezone(tz), 'timezone must be an IANA name such as Europe/Paris'),
    })
    .strict()
    .refine((s) => s.start !== s.end, { message: 'end must differ from start', path: ['end'] }),
]);
export type MaintenanceSchedule = z.infer<typeof MaintenanceSchedule>;

export interface MaintenanceWindow {
  id: number;
  name: string;
  scope: MaintenanceScope;
  schedule: MaintenanceSchedule;
  enabled: boolean;
}

/** The part of an alert target a window can match. */
export interface ScopeTarget {
  site_id?: number | null;
  device_id?: number | null;
  camera_id?: number | null;
}

function isTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function scopeMatches(scope: MaintenanceScope, t: ScopeTarget): boolean {
  switch (scope.type) {
    case 'all':
      return true;
    case 'site':
      return t.site_id === scope.id;
    case 'device':
      return t.device_id === scope.id;
    case 'camera':
      return t.camera_id === scope.id;
  }
}

/** Formatters by time zone: building one costs far more than using it, and the zones in use are few. */
const clockFormats = new Map<string, Intl.DateTimeFormat>();

function clockFormat(timezone: string): Intl.DateTimeFormat {
  let f = clockFormats.get(timezone);
  if (f === undefined) {
    // A bad zone throws here, before anything is cached.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    if (clockFormats.size >= 64) clockFormats.clear();
    clockFormats.set(timezone, f);
  }
  return f;
}

/** Day of week (0 = Sunday) and minutes since midnight of `ts` in `timezone`. */
export function localClock(ts: number, timezone: string): { day: number; minutes: number } {
  const parts = clockFormat(timezone).formatToParts(new Date(ts));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether the schedule is active at `ts`. A weekly window whose end is before its start runs past midnight
 * into the next day (a Saturday 22:00-02:00 window covers Sunday 01:00).
 */
export function scheduleActive(s: MaintenanceSchedule, ts: number): boolean {
  if (s.type === 'once') return ts >= s.starts_at && ts < s.ends_at;
  const { day, minutes } = localClock(ts, s.timezone);
  const start = toMinutes(s.start);
  const end = toMinutes(s.end);
  if (start < end) return s.days.includes(day) && minutes >= start && minutes < end;
  const yesterday = (day + 6) % 7;
  return (s.days.includes(day) && minutes >= start) || (s.days.includes(yesterday) && minutes < end);
}

/** The first enabled window covering `target` at `ts`, if any. */
export function activeWindow(
  windows: readonly MaintenanceWindow[],
  target: ScopeTarget,
  ts: number,
): MaintenanceWindow | undefined {
  return windows.find((w) => w.enabled && scopeMatches(w.scope, target) && scheduleActive(w.schedule, ts));
}
