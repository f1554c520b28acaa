import { readFileSync } from 'node:fs';
import { brokerProblems } from './broker/settings.js';
import { livePushProblems } from './camera/live-push-origin.js';
import { CONFIG_KEYS, type ConfigKey, ConfigSchema, type HubConfig } from './config.js';
import { redactDatabaseUrl } from './store/database-url.js';
import { redactUrl } from './store/tsdb/remote-write.js';
import { TsdbUrlError, tsdbEndpoints } from './store/tsdb/url.js';

// Reading the hub's settings (ConfigSchema in config.ts): merging file, env and flags, validating with errors
// that name the key and its source, and printing them without secrets.

/** Keys whose values are never printed or logged. */
export const SECRET_KEYS: ReadonlySet<string> = new Set<ConfigKey>([
  'adminPassword',
  'secretKey',
  'metricsToken',
  'agentTrapsCommunity',
  'brokerPassword',
  'brokerAdminPassword',
]);

/** Thrown for an invalid config; the message names each bad key and where it came from. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
}

/** `httpPort` -> `OUTPOST_HTTP_PORT`. */
export function envName(key: string): string {
  return `OUTPOST_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

export interface RawConfig {
  /** Parsed config file contents (an object), if any. */
  file?: unknown;
  /** Values from command-line flags, keyed by config key; undefined entries are ignored. */
  flags?: Partial<Record<string, unknown>>;
}

/**
 * Pure: merges defaults < file < env (OUTPOST_*) < flags and validates. Throws ConfigError naming every bad key
 * with its source. Unknown keys in the file or flags are rejected.
 */
export function parseConfig(raw: RawConfig, env: Record<string, string | undefined>): HubConfig {
  const source = new Map<string, string>();
  const merged: Record<string, unknown> = {};
  if (raw.file !== undefined) {
    if (typeof raw.file !== 'object' || raw.file === null || Array.isArray(raw.file)) {
      throw new ConfigError('config file: must hold a JSON object');
    }
    for (const [k, v] of Object.entries(raw.file)) {
      merged[k] = v;
      source.set(k, 'config file');
    }
  }
  for (const key of CONFIG_KEYS) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') {
      merged[key] = value;
      source.set(key, `env ${envName(key)}`);
    }
  }
  for (const [k, v] of Object.entries(raw.flags ?? {})) {
    if (v === undefined) continue;
    merged[k] = v;
    source.set(k, 'flag');
  }
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => `${k}: unknown key (${source.get(k) ?? 'input'})`).join('; ');
      }
      const key = String(issue.path[0] ?? '');
      return `${issue.path.join('.') || '(root)'}: ${issue.message} (${source.get(key) ?? 'default'})`;
    });
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const problems = [...brokerProblems(result.data), ...livePushProblems(result.data)].map(
    ({ key, message }) => `${key}: ${message} (${source.get(key) ?? 'not set'})`,
  );
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  try {
    tsdbEndpoints(result.data);
  } catch (err) {
    if (!(err instanceof TsdbUrlError)) throw err;
    const key = err.message.slice(0, err.message.indexOf(':'));
    throw new ConfigError(`invalid configuration: ${err.message} (${source.get(key) ?? 'default'})`);
  }
  return result.data;
}

/** Reads the JSON config file (if given) and the environment, then parses. */
export function loadConfig(
  opts: { configFile?: string; flags?: Partial<Record<string, unknown>> },
  env: Record<string, string | undefined> = process.env,
): HubConfig {
  const file = opts.configFile ?? env.OUTPOST_CONFIG;
  let parsed: unknown;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`config file ${file}: ${(err as Error).message}`);
    }
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`config file ${file}: not valid JSON: ${(err as Error).message}`);
    }
  }
  return parseConfig({ file: parsed, flags: opts.flags }, env);
}

const TSDB_URL_KEYS: ReadonlySet<string> = new Set<ConfigKey>(['tsdbUrl', 'tsdbWriteUrl', 'tsdbQueryUrl']);

/** A TSDB URL without its password (it may carry basic-auth credentials). */
function redactTsdbUrl(v: string): string {
  try {
    const url = new URL(v);
    return url.password
      ? redactUrl(url).replace('://', `://${url.username ? `${url.username}:` : ''}<secret>@`)
      : v;
  } catch {
    return v;
  }
}

/** The config with secrets replaced by `<secret>`, for logs and `--print-config`. */
export function redactConfig(config: HubConfig): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [
      k,
      SECRET_KEYS.has(k) && v !== undefined
        ? '<secret>'
        : k === 'databaseUrl' && typeof v === 'string'
          ? redactDatabaseUrl(v)
          : TSDB_URL_KEYS.has(k) && typeof v === 'string'
            ? redactTsdbUrl(v)
            : v,
    ]),
  );
}
