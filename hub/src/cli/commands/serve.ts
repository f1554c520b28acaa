import { Command } from 'commander';
import { startHub } from '../../server.js';
import { addConfigOptions, configFromOptions, exitOnError } from '../options.js';

/** `outpost-hub serve`: runs the hub until SIGTERM/SIGINT. */
export function serveCommand(): Command {
  const cmd = new Command('serve').description(
    'run the hub: HTTP API, dashboard, broker and background services',
  );
  addConfigOptions(cmd);
  cmd.action(async (opts: Record<string, unknown>) => {
    let hub: Awaited<ReturnType<typeof startHub>>;
    try {
      const config = configFromOptions(opts);
      hub = await startHub(config, {
        onInitialPassword(password, file) {
          process.stdout.write(
            `\nFirst start: created user "admin" with password:\n\n    ${password}\n\n` +
              `It is also in ${file} (mode 0600). Log in, change it, then delete that file.\n\n`,
          );
        },
      });
    } catch (err) {
      exitOnError(err);
    }
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      hub.ctx.logger.info({ signal }, 'shutting down');
      hub
        .close()
        .then(() => process.exit(0))
        .catch((err) => {
          hub.ctx.logger.error({ err }, 'shutdown failed');
          process.exit(1);
        });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
  return cmd;
}
