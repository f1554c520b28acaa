import fs from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { defaultDataDir, SYSTEM_CONFIG_FILE, SYSTEM_DATA_DIR } from './upgrade/data-dir.js';

export { SYSTEM_CONFIG_FILE, SYSTEM_DATA_DIR } from './upgrade/data-dir.js';

/** The agent's own settings (what to poll comes from the hub's `down/config`, not from here). */
export interface AgentSettings {
  /** Where identity, persisted config, outbox and state live. */
  dataDir: string;
  /** Bound on the outbox; beyond it the oldest unsent rows are evicted and counted. */
  outboxMaxBytes: number;
  /** SNMP requests in flight across all devices. */
  snmpMaxInFlight: number;
  /** Batches sent and not yet acknowledged by the hub. */
  linkMaxInFlight: number;
  /** Re-send the batches in flight when the hub has acknowledged nothing for this long. */
  ackTimeoutMs: number;
  /** Reconnect backoff bounds. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** How often `run` refreshes state.json for `status`. */
  stateIntervalMs: number;
  /** `auto`: compact batches when the hub announces it decodes them, JSON otherwise; `json`: always JSON. */
  batchEncoding: BatchEncodingSetting;
  logLevel: LogLevel;
  /** Verify rtsps camera certificates (the agent's RTSP client); a camera CA goes in NODE_EXTRA_CA_CERTS. */
  rtspTlsVerify: boolean;
}

export const BATCH_ENCODING_SETTINGS = ['auto', 'json'] as const;
export type BatchEncodingSetting = (typeof BATCH_ENCODING_SETTINGS)[number];

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const positive = (max: number) => z.coerce.number().int().positive().max(max);

// One schema for every source; keys as written in the file (snake_case).
const FileSchema = z
  .object({
    data_dir: z.string().min(1),
    outbox_max_bytes: positive(64 * 1024 ** 3).min(64 * 1024, 'must be at least 65536 (64 KiB)'),
    snmp_max_in_flight: positive(10_000),
    link_max_in_flight: positive(1_000),
    ack_timeout_ms: positive(3_600_000).min(100),
    reconnect_min_ms: positive(3_600_000).min(50),
    reconnect_max_ms: positive(3_600_000).min(50),
    state_interval_ms: positive(3_600_000).min(100),
    batch_encoding: z.enum(BATCH_ENCODING_SETTINGS),
    rtsp_tls_verify: z.preprocess(
      (v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v),
      z.boolean({ error: 'must be true or false' }),
    ),
    log_level: z.enum(LOG_LEVELS),
  })
  .strict()
  .partial();
type FileSettings = z.infer<typeof FileSchema>;

const ENV: Record<keyof FileSettings, string> = {
  data_dir: 'OUTPOST_DATA_DIR',
  outbox_max_bytes: 'OUTPOST_OUTBOX_MAX_BYTES',
  snmp_max_in_flight: 'OUTPOST_SNMP_MAX_IN_FLIGHT',
  link_max_in_flight: 'OUTPOST_LINK_MAX_IN_FLIGHT',
  ack_timeout_ms: 'OUTPOST_ACK_TIMEOUT_MS',
  reconnect_min_ms: 'OUTPOST_RECONNECT_MIN_MS',
  reconnect_max_ms: 'OUTPOST_RECONNECT_MAX_MS',
  state_interval_ms: 'OUTPOST_STATE_INTERVAL_MS',
  batch_encoding: 'OUTPOST_BATCH_ENCODING',
  log_level: 'OUTPOST_LOG_LEVEL',
  rtsp_tls_verify: 'OUTPOST_RTSP_TLS_VERIFY',
};

/** Settings given on the command line (only those a command exposes). */
export interface SettingFlags {
  data?: string;
  logLevel?: string;
}

/** Facts about the machine that decide defaults, passed in so that parseConfig stays pure. */
export interface ConfigFacts {
  /** Whether /var/lib/outpost-agent exists (a packaged install); otherwise the default is ./data. */
  systemDataDir: boolean;
  cwd: string;
}

/** A setting that is invalid, naming where it came from. */
export class ConfigError extends Error {
  readonly code = 'config';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function check(source: string, value: unknown): FileSettings {
  const parsed = FileSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    throw new ConfigError(`${source}: unknown setting ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
  }
  const key = String(issue?.path[0] ?? '');
  const where = source === 'environment' ? ENV[key as keyof FileSettings] : key;
  throw new ConfigError(`${source}: ${where}: ${issue?.message ?? 'invalid'}`);
}

/**
 * Resolves the agent settings. Precedence: flags > environment (OUTPOST_*) > file > defaults.
 * Pure: the file's parsed JSON (or undefined), the environment and the machine facts are passed in.
 * Throws ConfigError naming the field and its source.
 */
export function parseConfig(
  raw: unknown,
  env: Record<string, string | undefined>,
  flags: SettingFlags = {},
  facts: ConfigFacts = { systemDataDir: false, cwd: '.' },
): AgentSettings {
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw new ConfigError('settings file: must be a JSON object');
  }
  const file = raw === undefined ? {} : check('settings file', raw);
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV)) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const envSettings = check('environment', fromEnv);
  const flagSettings = check('command line', {
    ...(flags.data !== undefined ? { data_dir: flags.data } : {}),
    ...(flags.logLevel !== undefined ? { log_level: flags.logLevel } : {}),
  });
  const s = { ...file, ...envSettings, ...flagSettings };
  const settings: AgentSettings = {
    dataDir: path.resolve(facts.cwd, s.data_dir ?? defaultDataDir(facts.systemDataDir)),
    outboxMaxBytes: s.outbox_max_bytes ?? 256 * 1024 * 1024,
    snmpMaxInFlight: s.snmp_max_in_flight ?? 64,
    linkMaxInFlight: s.link_max_in_flight ?? 4,
    ackTimeoutMs: s.ack_timeout_ms ?? 30_000,
    reconnectMinMs: s.reconnect_min_ms ?? 1_000,
    reconnectMaxMs: s.reconnect_max_ms ?? 60_000,
    stateIntervalMs: s.state_interval_ms ?? 5_000,
    batchEncoding: s.batch_encoding ?? 'auto',
    logLevel: s.log_level ?? 'info',
    rtspTlsVerify: s.rtsp_tls_verify ?? true,
  };
  if (settings.reconnectMaxMs < settings.reconnectMinMs) {
    throw new ConfigError('reconnect_max_ms: must not be lower than reconnect_min_ms');
  }
  return settings;
}

/** Settings as printable text; the agent's settings hold no secrets, identity secrets print as `<secret>`. */
export function describeSettings(settings: AgentSettings): Record<string, unknown> {
  return { ...settings };
}

/** The thin loader: reads the settings file (--config, OUTPOST_CONFIG or /etc/outpost-agent/agent.json). */
export function loadSettings(flags: SettingFlags & { config?: string }, env = process.env): AgentSettings {
  const explicit = flags.config ?? env.OUTPOST_CONFIG;
  const file = explicit ?? (fs.existsSync(SYSTEM_CONFIG_FILE) ? SYSTEM_CONFIG_FILE : undefined);
  let raw: unknown;
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`settings file ${file}: cannot read: ${(err as Error).message}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`settings file ${file}: not JSON: ${(err as Error).message}`);
    }
  }
  return parseConfig(raw, env, flags, { systemDataDir: fs.existsSync(SYSTEM_DATA_DIR), cwd: process.cwd() });
}
