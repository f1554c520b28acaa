import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Field names whose values never reach a log line, wherever they appear (two levels deep). */
export const REDACTED_FIELDS = [
  'password',
  'new_password',
  'current_password',
  'community',
  'auth_key',
  'priv_key',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'authorization',
  'adminPassword',
  'secretKey',
];

/** Creates the hub's JSON logger; secrets are censored as `<secret>`. `destination` is for tests. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
  return pino(
    {
      level,
      base: { service: 'outpost-hub' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths, censor: '<secret>' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** A URL without its user info, safe to log (`rtsp://u:p@cam/x` -> `rtsp://cam/x`). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@\s]*@/, '//');
  }
}
