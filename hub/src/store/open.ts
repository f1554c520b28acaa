import { chmodSync } from 'node:fs';
import { parseDatabaseUrl, redactDatabaseUrl } from './database-url.js';
import { StoreError } from './errors.js';
import type { HubStore } from './port.js';
import { openPostgresStore } from './postgres/index.js';
import { openSqliteStore } from './sqlite/index.js';
import type { HeadPolicy } from './timeseries/head.js';

/** How the time-series engine cuts and seals chunks, its clock, and what it reports. */
export interface TimeSeriesSettings {
  policy?: Partial<HeadPolicy>;
  /** Wall clock (ms): when head chunks were opened, for their age limit. */
  clock?: () => number;
  /** Series sealed per transaction; a seal pass yields to other work between transactions. */
  sealSeriesPerTransaction?: number;
  /** Called when a seal pass that has work starts (for logs). */
  onSealStart?: (series: number) => void;
  /** A head-log record that cannot be read is skipped and reported here. */
  onReplayError?: (logId: number, err: unknown) => void;
}

export { type DatabaseTarget, parseDatabaseUrl, redactDatabaseUrl } from './database-url.js';

/** Opens the store a `databaseUrl` names (see parseDatabaseUrl), migrated to the current schema. */
export async function openStore(
  url: string | undefined,
  dataDir: string,
  timeseries: TimeSeriesSettings = {},
): Promise<HubStore> {
  const target = parseDatabaseUrl(url, dataDir);
  if (target.engine === 'postgres') {
    try {
      return await openPostgresStore(target.url, { timeseries });
    } catch (err) {
      // One line naming the database (never its password) and why: refused, unknown host, login, no database.
      const why = (err as Error).message.replace(/^PostgreSQL is not reachable: /, '');
      throw new StoreError('unavailable', `databaseUrl ${redactDatabaseUrl(target.url)}: ${why}`, {
        cause: err,
      });
    }
  }
  const store = openSqliteStore(target.file, { timeseries });
  // Password hashes and encrypted secrets: readable by the hub's user only (SQLite gives -wal/-shm the same mode).
  if (target.file !== ':memory:') chmodSync(target.file, 0o600);
  return store;
}
