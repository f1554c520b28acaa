import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { addConfigOptions, configFromOptions, exitOnError, STORE_KEYS } from '../options.js';
import { openStore } from '../store.js';

/** `outpost-hub backup FILE`: a consistent copy with SQLite's online backup, safe while the hub runs. */
export function backupCommand(): Command {
  const cmd = new Command('backup')
    .description(
      'copy the hub database to FILE (mode 0600) with SQLite online backup (the hub may keep running)',
    )
    .argument('<file>', 'destination file (must not exist unless --force)')
    .option('--force', 'overwrite FILE');
  addConfigOptions(cmd, STORE_KEYS).action(async (file: string, opts: Record<string, unknown>) => {
    try {
      if (existsSync(file) && !opts.force) throw new Error(`${file} exists; use --force to overwrite`);
      const config = configFromOptions(opts);
      const db = openStore(config, { mustExist: true });
      try {
        const started = Date.now();
        // The copy holds password hashes and encrypted secrets: owner-only from its first byte (and its
        // journal too), whatever the umask, and also when --force overwrites a file with a wider mode.
        const umask = process.umask(0o077);
        try {
          closeSync(openSync(file, 'w', 0o600));
          chmodSync(file, 0o600);
          await db.backup(file);
        } finally {
          process.umask(umask);
        }
        chmodSync(file, 0o600);
        const size = statSync(file).size;
        process.stdout.write(
          `backed up ${config.dataDir}/hub.db to ${file} (${size} bytes, ${Date.now() - started} ms)\n`,
        );
        process.stdout.write(
          `note: secrets in the backup are encrypted with ${config.dataDir}/secret.key; keep that key too\n`,
        );
      } finally {
        db.close();
      }
    } catch (err) {
      exitOnError(err);
    }
  });
  return cmd;
}
