import { isAbsolute, join, resolve } from 'node:path';
import { StoreError } from './errors.js';

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

/** The URL without its password (in the authority or as a `password=` parameter), for logs. */
export function redactDatabaseUrl(url: string): string {
  return url
    .replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/i, '$1:<secret>@')
    .replace(/([?&]password=)[^&]*/gi, '$1<secret>');
}
