import type { LogLevel } from './config.js';

/** A structured logger writing one JSON object per line. */
export interface Logger {
  debug(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
  child(fields: Record<string, unknown>): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
// Keys whose values are never written to a log, wherever they appear.
const SECRET_KEYS = /^(secret|password|passphrase|token|community|auth_key|priv_key|authorization)$/i;

/** Replaces secret values with `<secret>` and credentials in URLs with `***`. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return value;
  if (typeof value === 'string') return value.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@');
  if (value instanceof Error)
    return { name: value.name, message: redact(value.message), code: (value as { code?: unknown }).code };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = SECRET_KEYS.test(k) ? '<secret>' : redact(v, depth + 1);
    return out;
  }
  return value;
}

let stdoutGuarded = false;

/** Writes to stdout; a closed stdout (EPIPE: the journal or a pipe went away) must not stop the agent. */
function writeStdout(line: string): void {
  if (!stdoutGuarded) {
    stdoutGuarded = true;
    process.stdout.on('error', () => {});
  }
  if (!process.stdout.destroyed) process.stdout.write(line);
}

/** A JSON-lines logger on `write` (stdout by default), dropping lines below `level`. */
export function createLogger(
  level: LogLevel = 'info',
  base: Record<string, unknown> = {},
  write: (line: string) => void = writeStdout,
): Logger {
  const min = ORDER[level];
  const emit = (lvl: LogLevel) => (fields: Record<string, unknown>, msg: string) => {
    if (ORDER[lvl] < min) return;
    const record = {
      level: lvl,
      time: new Date().toISOString(),
      msg,
      ...base,
      ...(redact(fields) as object),
    };
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

/** A logger that writes nothing (tests, one-shot commands). */
export const silentLogger: Logger = createLogger('error', {}, () => {});
