import type { AlertFilter } from './alerts.js';
import { type SqlDialect, type SqlPart, siteCondition } from './sql-dialect.js';

// What the SQL engines (store/sqlite, store/postgres) share about the alerts table: its select with the
// acknowledging user's name, and the WHERE clause of a filter.

export const SELECT_ALERT =
  'SELECT a.*, u.username AS acknowledged_by_username FROM alerts a LEFT JOIN users u ON u.id = a.acknowledged_by';

/** The WHERE clause (empty when the filter is) of an alert filter, on the alias `a`. */
export function alertWhere(d: SqlDialect, f: AlertFilter): { clause: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  const add = (p: SqlPart) => {
    parts.push(p.sql);
    args.push(...p.args);
  };
  const eq = (col: string, v: unknown) => {
    if (v !== undefined) add({ sql: `a.${col} = ?`, args: [v] });
  };
  if (f.severity?.length) add(d.anyOf('a.severity', f.severity, 'text'));
  eq('state', f.state);
  eq('acknowledged', f.acknowledged === undefined ? undefined : f.acknowledged ? 1 : 0);
  eq('device_id', f.device_id);
  eq('camera_id', f.camera_id);
  if (f.site_id !== undefined) add(siteCondition(d, 'a.site_id', f.site_id));
  eq('rule', f.rule);
  if (f.from !== undefined) add({ sql: 'a.last_seen >= ?', args: [f.from] });
  if (f.to !== undefined) add({ sql: 'a.created_at <= ?', args: [f.to] });
  return { clause: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}
