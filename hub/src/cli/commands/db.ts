import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { copySqliteToPostgres } from '../../store/copy/index.js';
import { parseDatabaseUrl, redactDatabaseUrl } from '../../store/open.js';
import { openPostgresStore } from '../../store/postgres/index.js';
import { openDatabase } from '../../store/sqlite/database.js';
import { exitOnError } from '../options.js';

/** `outpost-hub db copy --from FILE --to URL`: moves an installation's data from SQLite to PostgreSQL. */
export function dbCommand(): Command {
  const cmd = new Command('db').description('move the hub database between engines');
  const copy = new Command('copy')
    .description(
      'copy every table of a SQLite hub database into an empty PostgreSQL database, in one transaction, then ' +
        'compare row counts and checksums before committing. Stop the hub first (the source is read as one ' +
        'snapshot). Running it again is safe: an interrupted copy left the target empty, a finished one is ' +
        'recognised and verified, any other non-empty target is refused untouched.',
    )
    .requiredOption('--from <file>', 'the SQLite database (usually <data>/hub.db)')
    .requiredOption('--to <url>', 'postgres://user:password@host:port/db (created beforehand, empty)')
    .option('--quiet', 'print only the summary line');
  copy.action(async (opts: { from: string; to: string; quiet?: boolean }) => {
    try {
      if (!existsSync(opts.from)) throw new Error(`--from: no SQLite database at ${opts.from}`);
      if (parseDatabaseUrl(opts.to, '.').engine !== 'postgres')
        throw new Error('--to: give a postgres://user:password@host:port/db URL');
      const shown = redactDatabaseUrl(opts.to);
      // Both schemas current: the source migrated as the hub would, the target created or brought up to date.
      let db: ReturnType<typeof openDatabase>;
      try {
        db = openDatabase(opts.from);
      } catch (err) {
        throw new Error(`--from ${opts.from}: ${(err as Error).message}`);
      }
      try {
        try {
          await (await openPostgresStore(opts.to, { maxConnections: 1 })).close();
        } catch (err) {
          throw new Error(
            `--to ${shown}: ${(err as Error).message.replace(/^PostgreSQL is not reachable: /, '')}`,
          );
        }
        const report = await copySqliteToPostgres(db, opts.to, {
          onTable: (t) => {
            if (!opts.quiet) process.stdout.write(`  ${t.name}: ${t.rows} rows\n`);
          },
        });
        process.stdout.write(
          report.alreadyCopied
            ? `${shown} already holds exactly the data of ${opts.from}: ${report.tables.length} tables, ${report.rows} rows, checksum ${report.checksum} (nothing written)\n`
            : `copied ${opts.from} to ${shown}: ${report.tables.length} tables, ${report.rows} rows, checksum ${report.checksum}, verified (${report.ms} ms)\n`,
        );
      } finally {
        db.close();
      }
    } catch (err) {
      exitOnError(err);
    }
  });
  cmd.addCommand(copy);
  return cmd;
}
