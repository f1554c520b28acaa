import { type Command, Option } from 'commander';
import type { ConfigKey, HubConfig } from '../config.js';
import { ConfigError, envName, loadConfig } from '../config-load.js';

/** A command-line flag that sets a config key. Add a line here to expose a key as a flag. */
export interface ConfigFlag {
  flags: string;
  key: ConfigKey;
  description: string;
}

/** Every config flag, in one place: flags > env OUTPOST_* > config file > defaults. */
export const CONFIG_FLAGS: readonly ConfigFlag[] = [
  { flags: '--data <dir>', key: 'dataDir', description: 'data directory (default ./data)' },
  {
    flags: '--database-url <url>',
    key: 'databaseUrl',
    description:
      'store: sqlite:<path> (default <data>/hub.db) or postgres://user:password@host:port/db (serve and every command)',
  },
  {
    flags: '--tsdb-url <url>',
    key: 'tsdbUrl',
    description:
      'keep time series in a Prometheus-compatible TSDB: its base URL, e.g. http://victoria-metrics:8428 (see docs/tsdb.md); ' +
      'required on every hub when several share a PostgreSQL database',
  },
  {
    flags: '--http-port <port>',
    key: 'httpPort',
    description: 'HTTP port (default 8080; 0 picks a free one)',
  },
  { flags: '--host <host>', key: 'host', description: 'address to listen on (default 0.0.0.0)' },
  {
    flags: '--http-tls-cert <file>',
    key: 'httpTlsCert',
    description: 'PEM certificate chain: serve HTTPS on the HTTP port (needs --http-tls-key)',
  },
  { flags: '--http-tls-key <file>', key: 'httpTlsKey', description: 'PEM private key for HTTPS' },
  { flags: '--log-level <level>', key: 'logLevel', description: 'fatal|error|warn|info|debug|trace|silent' },
  {
    flags: '--mqtt-port <port>',
    key: 'mqttPort',
    description: 'MQTT TCP port (default 1883; 0 picks a free one)',
  },
  {
    flags: '--mqtts-port <port>',
    key: 'mqttsPort',
    description: 'MQTT over TLS port (needs --mqtts-cert and --mqtts-key)',
  },
  { flags: '--mqtts-cert <file>', key: 'mqttsCert', description: 'PEM certificate chain for MQTT over TLS' },
  { flags: '--mqtts-key <file>', key: 'mqttsKey', description: 'PEM private key for MQTT over TLS' },
  {
    flags: '--broker-url <url>',
    key: 'brokerUrl',
    description:
      'external MQTT 5 broker (Mosquitto 2 + dynamic security) instead of the embedded one: mqtt[s]:// or ws[s]://; ' +
      'needs brokerUsername, brokerPassword, brokerAdminUsername, brokerAdminPassword (env or config file only)',
  },
  {
    flags: '--broker-share-group <name>',
    key: 'brokerShareGroup',
    description: 'shared-subscription group of the hubs on one external broker (default outpost-hubs)',
  },
  {
    flags: '--broker-consumers <n>',
    key: 'brokerConsumers',
    description:
      "connections receiving agents' messages from the external broker, handled side by side (default 4)",
  },
  {
    flags: '--broker-agent-urls <urls>',
    key: 'brokerAgentUrls',
    description: 'comma-separated broker URLs handed to agents at enrollment (default: the broker URL)',
  },
];

/** The flags every command that opens the data directory takes. */
export const STORE_KEYS: readonly ConfigKey[] = ['dataDir', 'databaseUrl', 'logLevel'];

/**
 * Adds `--config FILE` and the flags for `keys` (default: all) to a command. Each help line names its env var.
 */
export function addConfigOptions(cmd: Command, keys?: readonly ConfigKey[]): Command {
  cmd.option('--config <file>', 'JSON config file (env OUTPOST_CONFIG)');
  for (const f of CONFIG_FLAGS) {
    if (keys && !keys.includes(f.key)) continue;
    cmd.addOption(new Option(f.flags, `${f.description} (env ${envName(f.key)})`));
  }
  return cmd;
}

/** Turns parsed commander options into the hub config (flags > env > file > defaults). */
export function configFromOptions(opts: Record<string, unknown>, env = process.env): HubConfig {
  const flags: Record<string, unknown> = {};
  for (const f of CONFIG_FLAGS) {
    const attr = new Option(f.flags).attributeName();
    if (opts[attr] !== undefined) flags[f.key] = opts[attr];
  }
  return loadConfig({ configFile: opts.config as string | undefined, flags }, env);
}

/** Prints one line for an expected failure (bad config, port taken) and exits; rethrows anything else. */
export function exitOnError(err: unknown, code = 1): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`outpost-hub: ${message}\n`);
  process.exit(err instanceof ConfigError ? 2 : code);
}
