import type { Db } from '../store/db.js';

/** Small persistent key/value facts of the alerting service (`alerting_state`). */
export function getState(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM alerting_state WHERE key = ?').get(key) as
    | { value: string }
    | undefined;
  return row?.value;
}

export function setState(db: Db, key: string, value: string): void {
  db.prepare(
    'INSERT INTO alerting_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}

/**
 * Rules, maintenance windows and channels are read by the running engine and dispatcher; the API bumps this
 * counter after changing them so that the next tick reloads (also across processes sharing the database).
 */
export function bumpConfigVersion(db: Db): void {
  db.prepare(
    `INSERT INTO alerting_state (key, value) VALUES ('config_version', '1')
     ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`,
  ).run();
}

export function configVersion(db: Db): string {
  return getState(db, 'config_version') ?? '0';
}
