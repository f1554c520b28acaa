import type {
  AlertDigest,
  AlertFilter,
  AlertRepo,
  AlertRow,
  AlertSummary,
  NewAlert,
  NewManualAlert,
  ReopenFacts,
  Severity,
} from '../alerts.js';
import { alertWhere, SELECT_ALERT as SELECT } from '../sql-alerts.js';
import type { SiteFilter } from '../tenancy.js';
import type { Scope } from './connection.js';
import { dialect, siteCondition } from './site-filter.js';

export class SqliteAlerts implements AlertRepo {
  constructor(private readonly s: Scope) {}

  #get(id: number): AlertRow | undefined {
    return this.s.stmt(`${SELECT} WHERE a.id = ?`).get(id) as AlertRow | undefined;
  }

  #one(id: number): AlertRow {
    const row = this.#get(id);
    if (!row) throw new Error(`alert ${id} does not exist`);
    return row;
  }

  get(id: number): Promise<AlertRow | undefined> {
    return this.s.run(() => this.#get(id));
  }

  open(): Promise<AlertRow[]> {
    return this.s.run(
      () => this.s.stmt(`${SELECT} WHERE a.state = 'open' AND a.target_key IS NOT NULL`).all() as AlertRow[],
    );
  }

  findOpen(rule: string, key: string): Promise<AlertRow | undefined> {
    return this.s.run(
      () =>
        this.s.stmt(`${SELECT} WHERE a.rule = ? AND a.target_key = ? AND a.state = 'open'`).get(rule, key) as
          | AlertRow
          | undefined,
    );
  }

  findResolvedSince(rule: string, key: string, since: number): Promise<AlertRow | undefined> {
    return this.s.run(
      () =>
        this.s
          .stmt(
            `${SELECT} WHERE a.rule = ? AND a.target_key = ? AND a.state = 'resolved' AND a.resolved_at >= ?
             ORDER BY a.resolved_at DESC LIMIT 1`,
          )
          .get(rule, key, since) as AlertRow | undefined,
    );
  }

  notifiable(): Promise<AlertRow[]> {
    return this.s.run(
      () =>
        this.s
          .stmt(`${SELECT} WHERE a.state = 'open' OR a.recovery_handled_at IS NULL ORDER BY a.id`)
          .all() as AlertRow[],
    );
  }

  flapping(): Promise<AlertRow[]> {
    return this.s.run(() => this.s.stmt(`${SELECT} WHERE a.flapping = 1 ORDER BY a.id`).all() as AlertRow[]);
  }

  insert(a: NewAlert): Promise<AlertRow> {
    return this.s.run(() => {
      const info = this.s
        .stmt(
          `INSERT INTO alerts (rule, rule_id, target_key, severity, state, title, message, device_id, camera_id,
             site_id, agent_id, created_at, opened_at, last_seen, count, suppressed, suppressed_by, maintenance_id,
             transitions, flapping)
           VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
        )
        .run(
          a.rule,
          a.rule_id,
          a.target.key,
          a.severity,
          a.title,
          a.message,
          a.target.device_id ?? null,
          a.target.camera_id ?? null,
          a.target.site_id ?? null,
          a.target.agent_id ?? null,
          a.ts,
          a.opened_at,
          a.ts,
          a.suppressed_by ? 1 : 0,
          a.suppressed_by,
          a.maintenance_id,
          JSON.stringify(a.transitions),
          a.flapping ? 1 : 0,
        );
      return this.#one(Number(info.lastInsertRowid));
    });
  }

  repeat(id: number, ts: number, message: string | null, severity: Severity): Promise<AlertRow> {
    return this.s.run(() => {
      this.s
        .stmt(
          'UPDATE alerts SET count = count + 1, last_seen = max(last_seen, ?), message = coalesce(?, message), severity = ? WHERE id = ?',
        )
        .run(ts, message, severity, id);
      return this.#one(id);
    });
  }

  reopen(id: number, a: ReopenFacts, transitions: number[], flapping: boolean): Promise<AlertRow> {
    return this.s.run(() => {
      this.s
        .stmt(
          `UPDATE alerts SET state = 'open', resolved_at = NULL, recovery_handled_at = NULL, opened_at = ?,
             last_seen = ?, count = count + 1, message = coalesce(?, message), suppressed = ?, suppressed_by = ?,
             maintenance_id = ?, transitions = ?, flapping = ?, acknowledged = 0, acknowledged_by = NULL,
             acknowledged_at = NULL, ack_note = NULL, ack_expires_at = NULL
           WHERE id = ?`,
        )
        .run(
          a.opened_at,
          a.ts,
          a.message,
          a.suppressed_by ? 1 : 0,
          a.suppressed_by,
          a.maintenance_id,
          JSON.stringify(transitions),
          flapping ? 1 : 0,
          id,
        );
      return this.#one(id);
    });
  }

  resolve(
    id: number,
    ts: number,
    transitions: number[],
    flapping: boolean,
    quiet: boolean,
  ): Promise<AlertRow> {
    return this.s.run(() => {
      this.s
        .stmt(
          `UPDATE alerts SET state = 'resolved', resolved_at = ?, transitions = ?, flapping = ?,
             recovery_handled_at = CASE WHEN ? THEN ? ELSE NULL END WHERE id = ?`,
        )
        .run(ts, JSON.stringify(transitions), flapping ? 1 : 0, quiet ? 1 : 0, ts, id);
      return this.#one(id);
    });
  }

  setFlapping(id: number, transitions: number[], flapping: boolean): Promise<AlertRow> {
    return this.s.run(() => {
      this.s
        .stmt('UPDATE alerts SET transitions = ?, flapping = ? WHERE id = ?')
        .run(JSON.stringify(transitions), flapping ? 1 : 0, id);
      return this.#one(id);
    });
  }

  setSuppressed(id: number, by: string | null): Promise<AlertRow> {
    return this.s.run(() => {
      this.s.stmt('UPDATE alerts SET suppressed = ?, suppressed_by = ? WHERE id = ?').run(by ? 1 : 0, by, id);
      return this.#one(id);
    });
  }

  markNotified(id: number, ts: number): Promise<void> {
    return this.s.run(() => {
      this.s
        .stmt('UPDATE alerts SET notified_at = coalesce(notified_at, ?), last_notified_at = ? WHERE id = ?')
        .run(ts, ts, id);
    });
  }

  markRecoveryHandled(id: number, ts: number): Promise<void> {
    return this.s.run(() => {
      this.s.stmt('UPDATE alerts SET recovery_handled_at = ? WHERE id = ?').run(ts, id);
    });
  }

  list(f: AlertFilter, page: number, perPage: number): Promise<{ rows: AlertRow[]; total: number }> {
    return this.s.run(() => {
      const { clause, args } = alertWhere(dialect, f);
      const total = (
        this.s.stmt(`SELECT COUNT(*) AS n FROM alerts a ${clause}`).get(...args) as { n: number }
      ).n;
      // The page's ids first, from the (created_at, id) indexes alone, then only those rows: a deep page then
      // skips index entries instead of whole joined rows (bench:dashboard, "history, page 1,000").
      const rows = this.s
        .stmt(
          `${SELECT} WHERE a.id IN (SELECT a.id FROM alerts a ${clause}
             ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?)
           ORDER BY a.created_at DESC, a.id DESC`,
        )
        .all(...args, perPage, (page - 1) * perPage) as AlertRow[];
      return { rows, total };
    });
  }

  insertManual(a: NewManualAlert, now: number): Promise<AlertRow> {
    return this.s.run(() => {
      const info = this.s
        .stmt(
          `INSERT INTO alerts (rule, severity, state, title, message, device_id, camera_id, site_id, created_at, last_seen, created_by)
           VALUES ('manual', ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(a.severity, a.title, a.message, a.device_id, a.camera_id, a.site_id, now, now, a.created_by);
      return this.#one(Number(info.lastInsertRowid));
    });
  }

  acknowledge(
    f: AlertFilter & { ids?: number[] },
    by: number,
    note: string | null,
    expiresAt: number | null,
    now: number,
  ): Promise<number[]> {
    return this.s.atomic(() => {
      const { clause, args } = alertWhere(dialect, { ...f, acknowledged: false });
      const idClause = f.ids ? ` AND a.id IN (${f.ids.map(() => '?').join(', ')})` : '';
      const ids = (
        this.s
          .stmt(`SELECT a.id FROM alerts a ${clause}${idClause} ORDER BY a.id`)
          .all(...args, ...(f.ids ?? [])) as {
          id: number;
        }[]
      ).map((r) => r.id);
      const update = this.s.stmt(
        'UPDATE alerts SET acknowledged = 1, acknowledged_by = ?, acknowledged_at = ?, ack_note = ?, ack_expires_at = ? WHERE id = ?',
      );
      for (const id of ids) update.run(by, now, note, expiresAt, id);
      return ids;
    });
  }

  delete(id: number): Promise<boolean> {
    return this.s.run(() => this.s.stmt('DELETE FROM alerts WHERE id = ?').run(id).changes > 0);
  }

  summary(since: number, siteId?: SiteFilter): Promise<AlertSummary> {
    return this.s.run(() => {
      const condition = siteId === undefined ? undefined : siteCondition('site_id', siteId);
      const site = condition ? ` AND ${condition.sql}` : '';
      const args = condition?.args ?? [];
      const row = this.s
        .stmt(
          `SELECT COUNT(*) AS total,
            COALESCE(SUM(acknowledged = 0), 0) AS unacknowledged,
            COALESCE(SUM(severity = 'critical'), 0) AS critical,
            COALESCE(SUM(severity = 'high'), 0) AS high,
            COALESCE(SUM(severity = 'medium'), 0) AS medium,
            COALESCE(SUM(severity = 'low'), 0) AS low,
            COALESCE(SUM(severity = 'info'), 0) AS info
           FROM alerts WHERE state = 'open'${site}`,
        )
        .get(...args) as Omit<AlertSummary, 'recent'>;
      const recent = (
        this.s.stmt(`SELECT COUNT(*) AS n FROM alerts WHERE created_at >= ?${site}`).get(since, ...args) as {
          n: number;
        }
      ).n;
      return { ...row, recent };
    });
  }

  digest(since: number): Promise<AlertDigest> {
    return this.s.run(() => {
      const count = (sql: string, ...args: unknown[]) => (this.s.stmt(sql).get(...args) as { n: number }).n;
      const bySeverity = this.s
        .stmt(`SELECT severity AS k, count(*) AS n FROM alerts WHERE state = 'open' GROUP BY severity`)
        .all() as { k: string; n: number }[];
      return {
        open_by_severity: Object.fromEntries(bySeverity.map((r) => [r.k, r.n])),
        unacknowledged: count(`SELECT count(*) AS n FROM alerts WHERE state = 'open' AND acknowledged = 0`),
        opened: count('SELECT count(*) AS n FROM alerts WHERE created_at >= ?', since),
        resolved: count('SELECT count(*) AS n FROM alerts WHERE resolved_at >= ?', since),
        noisiest: this.s
          .stmt(
            'SELECT id, title, severity, count FROM alerts WHERE last_seen >= ? ORDER BY count DESC, id LIMIT 5',
          )
          .all(since) as AlertDigest['noisiest'],
      };
    });
  }
}
