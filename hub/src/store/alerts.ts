import { type AlertRow, alertView } from '../alerts/store.js';
import type { Db } from './db.js';

export type { AlertRow } from '../alerts/store.js';

const TIME_FIELDS = [
  'created_at',
  'opened_at',
  'last_seen',
  'resolved_at',
  'acknowledged_at',
  'ack_expires_at',
  'notified_at',
  'last_notified_at',
  'recovery_handled_at',
];

/**
 * The API representation of an alert (also what `alert.changed` should carry): the engine's view with
 * times as ISO 8601 and the acknowledging user's name.
 */
export function alertToApi(
  r: AlertRow & { acknowledged_by_username?: string | null },
): Record<string, unknown> {
  const v = alertView(r);
  for (const k of TIME_FIELDS) {
    if (typeof v[k] === 'number') v[k] = new Date(v[k] as number).toISOString();
  }
  v.acknowledged_by_username = r.acknowledged_by_username ?? null;
  return v;
}

export interface AlertFilter {
  severity?: string[];
  state?: 'open' | 'resolved';
  acknowledged?: boolean;
  device_id?: number;
  camera_id?: number;
  site_id?: number;
  rule?: string;
  from?: number;
  to?: number;
}

function where(f: AlertFilter): { clause: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  const eq = (col: string, v: unknown) => {
    if (v === undefined) return;
    parts.push(`a.${col} = ?`);
    args.push(v);
  };
  if (f.severity?.length) {
    parts.push(`a.severity IN (${f.severity.map(() => '?').join(', ')})`);
    args.push(...f.severity);
  }
  eq('state', f.state);
  eq('acknowledged', f.acknowledged === undefined ? undefined : f.acknowledged ? 1 : 0);
  eq('device_id', f.device_id);
  eq('camera_id', f.camera_id);
  eq('site_id', f.site_id);
  eq('rule', f.rule);
  if (f.from !== undefined) {
    parts.push('a.last_seen >= ?');
    args.push(f.from);
  }
  if (f.to !== undefined) {
    parts.push('a.created_at <= ?');
    args.push(f.to);
  }
  return { clause: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}

const SELECT =
  'SELECT a.*, u.username AS acknowledged_by_username FROM alerts a LEFT JOIN users u ON u.id = a.acknowledged_by';

/** Newest first. */
export function listAlerts(
  db: Db,
  f: AlertFilter,
  page: number,
  perPage: number,
): { rows: AlertRow[]; total: number } {
  const { clause, args } = where(f);
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM alerts a ${clause}`).get(...args) as { n: number }).n;
  // The page's ids first, from the (created_at, id) indexes alone, then only those rows: a deep page then
  // skips index entries instead of whole joined rows (bench:dashboard, "history, page 1,000").
  const rows = db
    .prepare(
      `${SELECT} WHERE a.id IN (SELECT a.id FROM alerts a ${clause}
         ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?)
       ORDER BY a.created_at DESC, a.id DESC`,
    )
    .all(...args, perPage, (page - 1) * perPage) as AlertRow[];
  return { rows, total };
}

export function getAlert(db: Db, id: number): AlertRow | undefined {
  return db.prepare(`${SELECT} WHERE a.id = ?`).get(id) as AlertRow | undefined;
}

export function insertManualAlert(
  db: Db,
  a: {
    severity: string;
    title: string;
    message: string | null;
    device_id: number | null;
    camera_id: number | null;
    site_id: number | null;
    created_by: number;
  },
  now: number,
): AlertRow {
  const info = db
    .prepare(
      `INSERT INTO alerts (rule, severity, state, title, message, device_id, camera_id, site_id, created_at, last_seen, created_by)
       VALUES ('manual', ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(a.severity, a.title, a.message, a.device_id, a.camera_id, a.site_id, now, now, a.created_by);
  return getAlert(db, Number(info.lastInsertRowid)) as AlertRow;
}

/** Acknowledges the matching unacknowledged alerts; returns their ids. */
export function acknowledge(
  db: Db,
  f: AlertFilter & { ids?: number[] },
  by: number,
  note: string | null,
  expiresAt: number | null,
  now: number,
): number[] {
  const { clause, args } = where({ ...f, acknowledged: false });
  const idClause = f.ids ? ` AND a.id IN (${f.ids.map(() => '?').join(', ')})` : '';
  return db.transaction(() => {
    const ids = (
      db.prepare(`SELECT a.id FROM alerts a ${clause}${idClause}`).all(...args, ...(f.ids ?? [])) as {
        id: number;
      }[]
    ).map((r) => r.id);
    const stmt = db.prepare(
      'UPDATE alerts SET acknowledged = 1, acknowledged_by = ?, acknowledged_at = ?, ack_note = ?, ack_expires_at = ? WHERE id = ?',
    );
    for (const id of ids) stmt.run(by, now, note, expiresAt, id);
    return ids;
  })();
}

export function deleteAlert(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM alerts WHERE id = ?').run(id).changes > 0;
}

export function alertSummary(
  db: Db,
  since: number,
  siteId?: number,
): {
  total: number;
  unacknowledged: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  recent: number;
} {
  const site = siteId === undefined ? '' : ' AND site_id = ?';
  const args = siteId === undefined ? [] : [siteId];
  const row = db
    .prepare(
      `SELECT COUNT(*) AS total,
        COALESCE(SUM(acknowledged = 0), 0) AS unacknowledged,
        COALESCE(SUM(severity = 'critical'), 0) AS critical,
        COALESCE(SUM(severity = 'high'), 0) AS high,
        COALESCE(SUM(severity = 'medium'), 0) AS medium,
        COALESCE(SUM(severity = 'low'), 0) AS low,
        COALESCE(SUM(severity = 'info'), 0) AS info
       FROM alerts WHERE state = 'open'${site}`,
    )
    .get(...args) as Record<string, number>;
  const recent = (
    db.prepare(`SELECT COUNT(*) AS n FROM alerts WHERE created_at >= ?${site}`).get(since, ...args) as {
      n: number;
    }
  ).n;
  return {
    total: row.total ?? 0,
    unacknowledged: row.unacknowledged ?? 0,
    critical: row.critical ?? 0,
    high: row.high ?? 0,
    medium: row.medium ?? 0,
    low: row.low ?? 0,
    info: row.info ?? 0,
    recent,
  };
}
