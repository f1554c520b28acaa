import type { AuditEntry, AuditFilter, AuditRepo, AuditRow } from '../audit.js';
import type { Scope } from './connection.js';
import { likePattern } from './records.js';
import { siteCondition } from './site-filter.js';

export class PgAudit implements AuditRepo {
  constructor(private readonly s: Scope) {}

  async record(e: AuditEntry): Promise<void> {
    await this.s.run(
      `INSERT INTO audit_log (ts, user_id, username, action, target_type, target_id, client_ip, outcome, status, details, site_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT id FROM sites WHERE id = ?))`,
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
      e.site_id ?? null,
    );
  }

  async list(f: AuditFilter, page: number, perPage: number): Promise<{ rows: AuditRow[]; total: number }> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      where.push(sql);
      args.push(v);
    };
    if (f.user) add('lower(username) = lower(?)', f.user);
    if (f.action) add('action ILIKE ?', likePattern(f.action));
    if (f.target_type) add('target_type = ?', f.target_type);
    if (f.target_id) add('target_id = ?', f.target_id);
    if (f.outcome) add('outcome = ?', f.outcome);
    if (f.from !== undefined) add('ts >= ?', f.from);
    if (f.to !== undefined) add('ts <= ?', f.to);
    if (f.site_id !== undefined) {
      const part = siteCondition('site_id', f.site_id);
      where.push(part.sql);
      args.push(...part.args);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total =
      (await this.s.get<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log ${clause}`, ...args))?.n ?? 0;
    const rows = await this.s.all<AuditRow>(
      `SELECT * FROM audit_log ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`,
      ...args,
      perPage,
      (page - 1) * perPage,
    );
    return { rows, total };
  }
}
