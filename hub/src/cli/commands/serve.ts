import { Command } from 'commander';
import { redactConfig } from '../../config-load.js';
import { startHub } from '../../server.js';
import { addConfigOptions, configFromOptions, exitOnError } from '../options.js';

/** `outpost-hub serve`: runs the hub until SIGTERM/SIGINT. */
export function serveCommand(): Command {
  const cmd = new Command('serve').description(
    'run the hub: HTTP API, dashboard, broker and background services',
  );
  addConfigOptions(cmd);
  cmd.option(
    '--print-config',
    'print the settings the hub would run with (flags, environment, config file, defaults; secrets as <secret>) as JSON, and exit',
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    if (opts.printConfig === true) {
      try {
        process.stdout.write(`${JSON.stringify(redactConfig(configFromOptions(opts)), null, 2)}\n`);
      } catch (err) {
        exitOnError(err);
      }
      return;
    }
    let hub: Awaited<ReturnType<typeof startHub>> | undefined;
    let stopping = false;
    let fatal = false;
    const stop = (signal: string, code = 0) => {
      if (code !== 0) fatal = true;
      if (stopping || !hub) return;
      stopping = true;
      const running = hub;
      running.ctx.logger.info({ signal }, 'shutting down');
      running
        .close()
        .then(() => process.exit(code))
        .catch((err) => {
          running.ctx.logger.error({ err }, 'shutdown failed');
          process.exit(1);
        });
    };
    try {
      const config = configFromOptions(opts);
      hub = await startHub(config, {
        onInitialPassword(password, file) {
          process.stdout.write(
            `\nFirst start: created user "admin" with password:\n\n    ${password}\n\n` +
              `It is also in ${file} (mode 0600). Log in, change it, then delete that file.\n\n`,
          );
        },
        // Another process may write the time series now: stop, and let the service manager start it again.
        onFatal: (err) => {
          process.stderr.write(`outpost-hub: ${err.message}; stopping\n`);
          stop('time-series lock lost', 1);
        },
      });
    } catch (err) {
      exitOnError(err);
    }
    if (fatal) stop('time-series lock lost', 1);
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
  return cmd;
}
