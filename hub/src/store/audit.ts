import type { Db } from './db.js';

export interface AuditEntry {
  ts: number;
  user_id?: number | null;
  username?: string | null;
  action: string;
  target_type?: string | null;
  target_id?: string | null;
  client_ip?: string | null;
  outcome: 'success' | 'failure' | 'denied';
  status?: number | null;
  details?: Record<string, unknown> | null;
}

export interface AuditRow {
  id: number;
  ts: number;
  user_id: number | null;
  username: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  client_ip: string | null;
  outcome: string;
  status: number | null;
  details: string | null;
}

export function recordAudit(db: Db, e: AuditEntry): void {
  db.prepare(
    `INSERT INTO audit_log (ts, user_id, username, action, target_type, target_id, client_ip, outcome, status, details)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    e.ts,
    e.user_id ?? null,
    e.username ?? null,
    e.action,
    e.target_type ?? null,
    e.target_id ?? null,
    e.client_ip ?? null,
    e.outcome,
    e.status ?? null,
    e.details ? JSON.stringify(e.details) : null,
  );
}

export interface AuditFilter {
  user?: string;
  action?: string;
  target_type?: string;
  target_id?: string;
  outcome?: string;
  from?: number;
  to?: number;
}

export function auditToApi(r: AuditRow) {
  return {
    id: r.id,
    ts: new Date(r.ts).toISOString(),
    user_id: r.user_id,
    username: r.username,
    action: r.action,
    target_type: r.target_type,
    target_id: r.target_id,
    client_ip: r.client_ip,
    outcome: r.outcome,
    status: r.status,
    details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
  };
}

/** Newest first, filtered, paginated. */
export function listAudit(
  db: Db,
  f: AuditFilter,
  page: number,
  perPage: number,
): { rows: AuditRow[]; total: number } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.user) {
    where.push('username = ? COLLATE NOCASE');
    args.push(f.user);
  }
  if (f.action) {
    where.push('action LIKE ?');
    args.push(`%${f.action}%`);
  }
  if (f.target_type) {
    where.push('target_type = ?');
    args.push(f.target_type);
  }
  if (f.target_id) {
    where.push('target_id = ?');
    args.push(f.target_id);
  }
  if (f.outcome) {
    where.push('outcome = ?');
    args.push(f.outcome);
  }
  if (f.from !== undefined) {
    where.push('ts >= ?');
    args.push(f.from);
  }
  if (f.to !== undefined) {
    where.push('ts <= ?');
    args.push(f.to);
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${clause}`).get(...args) as { n: number }).n;
  const rows = db
    .prepare(`SELECT * FROM audit_log ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`)
    .all(...args, perPage, (page - 1) * perPage) as AuditRow[];
  return { rows, total };
}
