import type { AuditEntry, AuditFilter, AuditRepo, AuditRow } from '../audit.js';
import type { Scope } from './connection.js';
import { siteCondition } from './site-filter.js';

export class SqliteAudit implements AuditRepo {
  constructor(private readonly s: Scope) {}

  record(e: AuditEntry): Promise<void> {
    return this.s.run(() => {
      this.s
        .stmt(
          `INSERT INTO audit_log (ts, user_id, username, action, target_type, target_id, client_ip, outcome, status, details, site_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT id FROM sites WHERE id = ?))`,
        )
        .run(
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
    });
  }

  list(f: AuditFilter, page: number, perPage: number): Promise<{ rows: AuditRow[]; total: number }> {
    return this.s.run(() => {
      const where: string[] = [];
      const args: unknown[] = [];
      const add = (sql: string, v: unknown) => {
        where.push(sql);
        args.push(v);
      };
      if (f.user) add('username = ? COLLATE NOCASE', f.user);
      if (f.action) add("action LIKE ? ESCAPE '\\'", `%${f.action.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
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
      const total = (
        this.s.stmt(`SELECT COUNT(*) AS n FROM audit_log ${clause}`).get(...args) as { n: number }
      ).n;
      const rows = this.s
        .stmt(`SELECT * FROM audit_log ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`)
        .all(...args, perPage, (page - 1) * perPage) as AuditRow[];
      return { rows, total };
    });
  }
}
