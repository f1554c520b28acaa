import { Command } from 'commander';
import { loadSettings } from '../../config.js';
import { requireIdentity } from '../../identity.js';
import { createLogger } from '../../logger.js';
import { loadPoller, loadProber, startAgent } from '../../runtime/index.js';
import { RESTART_EXIT_CODE } from '../../upgrade/state.js';

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
      '\nStops cleanly on SIGTERM or SIGINT: finishes the polls in flight, flushes to the hub, closes the outbox.\nAfter installing an upgrade it stops the same way and exits with code 75, which the systemd unit restarts on.\nSettings: OUTPOST_DATA_DIR, OUTPOST_OUTBOX_MAX_BYTES, OUTPOST_LOG_LEVEL, ... (see agent/README.md).',
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
        agent = await startAgent({
          settings,
          log,
          poller,
          prober,
          // The service manager starts the agent again on this exit code (systemd: RestartForceExitStatus).
          onRestart: (reason) => {
            agent
              .stop(`restart: ${reason}`)
              .then(() => process.exit(RESTART_EXIT_CODE))
              .catch((err: unknown) => {
                log.error({ err }, 'stopping for a restart failed');
                process.exit(RESTART_EXIT_CODE);
              });
          },
        });
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
