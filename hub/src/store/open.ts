import { chmodSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { StoreError } from './errors.js';
import type { HubStore } from './port.js';
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

/** Which engine a `databaseUrl` names, and where. */
export type DatabaseTarget = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };

/**
 * Reads the `databaseUrl` setting: absent -> SQLite at `<dataDir>/hub.db`; `sqlite:<path>` (relative to the
 * data directory, or absolute; `sqlite::memory:` for a throwaway store) -> SQLite; `postgres://` or
 * `postgresql://` -> PostgreSQL. Anything else is refused with the reason.
 */
export function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseTarget {
  if (url === undefined || url === '') return { engine: 'sqlite', file: join(dataDir, 'hub.db') };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new StoreError('unavailable', 'databaseUrl: sqlite: needs a file path');
    if (path === ':memory:') return { engine: 'sqlite', file: ':memory:' };
    return { engine: 'sqlite', file: isAbsolute(path) ? path : resolve(dataDir, path) };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return { engine: 'postgres', url };
  throw new StoreError(
    'unavailable',
    'databaseUrl: use sqlite:<path> (or leave it unset for <dataDir>/hub.db) or postgres://user@host/db',
  );
}

/** The URL without its password, for logs. */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/i, '$1:<secret>@');
}

/** Opens the store a `databaseUrl` names (see parseDatabaseUrl), migrated to the current schema. */
export async function openStore(
  url: string | undefined,
  dataDir: string,
  timeseries: TimeSeriesSettings = {},
): Promise<HubStore> {
  const target = parseDatabaseUrl(url, dataDir);
  if (target.engine === 'postgres') {
    throw new StoreError(
      'unavailable',
      `databaseUrl ${redactDatabaseUrl(target.url)}: the PostgreSQL engine is not built yet; leave databaseUrl unset (SQLite)`,
    );
  }
  const store = openSqliteStore(target.file, { timeseries });
  // Password hashes and encrypted secrets: readable by the hub's user only (SQLite gives -wal/-shm the same mode).
  if (target.file !== ':memory:') chmodSync(target.file, 0o600);
  return store;
}
