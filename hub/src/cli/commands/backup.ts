import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { SqliteStore } from '../../store/sqlite/index.js';
import { addConfigOptions, configFromOptions, exitOnError, STORE_KEYS } from '../options.js';
import { openCliStore } from '../store.js';

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
      const store = await openCliStore(config, { mustExist: true });
      try {
        if (!(store instanceof SqliteStore))
          throw new Error('backup copies a SQLite store; back up PostgreSQL with pg_dump or its own tools');
        const started = Date.now();
        // The copy holds password hashes and encrypted secrets: owner-only from its first byte (and its
        // journal too), whatever the umask, and also when --force overwrites a file with a wider mode.
        const umask = process.umask(0o077);
        try {
          closeSync(openSync(file, 'w', 0o600));
          chmodSync(file, 0o600);
          await store.backup(file);
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
        await store.close();
      }
    } catch (err) {
      exitOnError(err);
    }
  });
  return cmd;
}
