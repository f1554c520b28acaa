import { Command } from 'commander';
import { loadSettings } from '../../config.js';
import { requireIdentity } from '../../identity.js';
import { createLogger } from '../../logger.js';
import { loadPoller, loadProber, startAgent } from '../../runtime/index.js';

interface RunOptions {
  data?: string;
  config?: string;
  logLevel?: string;
}

/** `outpost-agent run`: the service. */
export function runCommand(): Command {
  return new Command('run')
    .description(
      'run the agent: poll devices and cameras, buffer results, forward them to the hub (JSON log lines)',
    )
    .option('--data <dir>', 'data directory (default: /var/lib/outpost-agent when it exists, else ./data)')
    .option('--config <file>', 'settings file (default: /etc/outpost-agent/agent.json when it exists)')
    .option('--log-level <level>', 'debug, info, warn or error')
    .addHelpText(
      'after',
      '\nStops cleanly on SIGTERM or SIGINT: finishes the polls in flight, flushes to the hub, closes the outbox.\nSettings: OUTPOST_DATA_DIR, OUTPOST_OUTBOX_MAX_BYTES, OUTPOST_LOG_LEVEL, ... (see agent/README.md).',
    )
    .action(async (opts: RunOptions) => {
      let settings: ReturnType<typeof loadSettings>;
      try {
        settings = loadSettings(opts);
        requireIdentity(settings.dataDir);
      } catch (err) {
        process.stderr.write(`outpost-agent run: ${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      const log = createLogger(settings.logLevel, { name: 'outpost-agent' });
      process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
      let agent: Awaited<ReturnType<typeof startAgent>>;
      try {
        const poller = loadPoller(settings.snmpMaxInFlight, log);
        const prober = await loadProber(log, { rtspTlsVerify: settings.rtspTlsVerify });
        agent = await startAgent({ settings, log, poller, prober });
      } catch (err) {
        log.error({ err }, 'cannot start');
        process.stderr.write(`outpost-agent run: cannot start: ${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        if (++signals > 1) {
          log.warn({ signal }, 'second signal: exiting now');
          process.exit(1);
        }
        agent
          .stop(signal)
          .then(() => process.exit(0))
          .catch((err: unknown) => {
            log.error({ err }, 'stopping failed');
            process.exit(1);
          });
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    });
}
