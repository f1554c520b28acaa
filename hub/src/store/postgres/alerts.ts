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

export class PgAlerts implements AlertRepo {
  constructor(private readonly s: Scope) {}

  async #one(id: number): Promise<AlertRow> {
    const row = await this.get(id);
    if (!row) throw new Error(`alert ${id} does not exist`);
    return row;
  }

  get(id: number): Promise<AlertRow | undefined> {
    return this.s.get<AlertRow>(`${SELECT} WHERE a.id = ?`, id);
  }

  open(): Promise<AlertRow[]> {
    return this.s.all<AlertRow>(`${SELECT} WHERE a.state = 'open' AND a.target_key IS NOT NULL`);
  }

  findOpen(rule: string, key: string): Promise<AlertRow | undefined> {
    return this.s.get<AlertRow>(
      `${SELECT} WHERE a.rule = ? AND a.target_key = ? AND a.state = 'open'`,
      rule,
      key,
    );
  }

  findResolvedSince(rule: string, key: string, since: number): Promise<AlertRow | undefined> {
    return this.s.get<AlertRow>(
      `${SELECT} WHERE a.rule = ? AND a.target_key = ? AND a.state = 'resolved' AND a.resolved_at >= ?
       ORDER BY a.resolved_at DESC LIMIT 1`,
      rule,
      key,
      since,
    );
  }

  notifiable(): Promise<AlertRow[]> {
    return this.s.all<AlertRow>(
      `${SELECT} WHERE a.state = 'open' OR a.recovery_handled_at IS NULL ORDER BY a.id`,
    );
  }

  flapping(): Promise<AlertRow[]> {
    return this.s.all<AlertRow>(`${SELECT} WHERE a.flapping = 1 ORDER BY a.id`);
  }

  async insert(a: NewAlert): Promise<AlertRow> {
    const row = (await this.s.get<{ id: number }>(
      `INSERT INTO alerts (rule, rule_id, target_key, severity, state, title, message, device_id, camera_id,
         site_id, agent_id, created_at, opened_at, last_seen, count, suppressed, suppressed_by, maintenance_id,
         transitions, flapping)
       VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?) RETURNING id`,
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
    )) as { id: number };
    return this.#one(row.id);
  }

  async repeat(id: number, ts: number, message: string | null, severity: Severity): Promise<AlertRow> {
    await this.s.run(
      'UPDATE alerts SET count = count + 1, last_seen = GREATEST(last_seen, ?), message = coalesce(?, message), severity = ? WHERE id = ?',
      ts,
      message,
      severity,
      id,
    );
    return this.#one(id);
  }

  async reopen(id: number, a: ReopenFacts, transitions: number[], flapping: boolean): Promise<AlertRow> {
    await this.s.run(
      `UPDATE alerts SET state = 'open', resolved_at = NULL, recovery_handled_at = NULL, opened_at = ?,
         last_seen = ?, count = count + 1, message = coalesce(?, message), suppressed = ?, suppressed_by = ?,
         maintenance_id = ?, transitions = ?, flapping = ?, acknowledged = 0, acknowledged_by = NULL,
         acknowledged_at = NULL, ack_note = NULL, ack_expires_at = NULL
       WHERE id = ?`,
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
  }

  async resolve(
    id: number,
    ts: number,
    transitions: number[],
    flapping: boolean,
    quiet: boolean,
  ): Promise<AlertRow> {
    await this.s.run(
      `UPDATE alerts SET state = 'resolved', resolved_at = ?, transitions = ?, flapping = ?,
         recovery_handled_at = CASE WHEN ?::boolean THEN ?::bigint ELSE NULL END WHERE id = ?`,
      ts,
      JSON.stringify(transitions),
      flapping ? 1 : 0,
      quiet,
      ts,
      id,
    );
    return this.#one(id);
  }

  async setFlapping(id: number, transitions: number[], flapping: boolean): Promise<AlertRow> {
    await this.s.run(
      'UPDATE alerts SET transitions = ?, flapping = ? WHERE id = ?',
      JSON.stringify(transitions),
      flapping ? 1 : 0,
      id,
    );
    return this.#one(id);
  }

  async setSuppressed(id: number, by: string | null): Promise<AlertRow> {
    await this.s.run('UPDATE alerts SET suppressed = ?, suppressed_by = ? WHERE id = ?', by ? 1 : 0, by, id);
    return this.#one(id);
  }

  async markNotified(id: number, ts: number): Promise<void> {
    await this.s.run(
      'UPDATE alerts SET notified_at = coalesce(notified_at, ?), last_notified_at = ? WHERE id = ?',
      ts,
      ts,
      id,
    );
  }

  async markRecoveryHandled(id: number, ts: number): Promise<void> {
    await this.s.run('UPDATE alerts SET recovery_handled_at = ? WHERE id = ?', ts, id);
  }

  async list(f: AlertFilter, page: number, perPage: number): Promise<{ rows: AlertRow[]; total: number }> {
    const { clause, args } = alertWhere(dialect, f);
    const total =
      (await this.s.get<{ n: number }>(`SELECT COUNT(*) AS n FROM alerts a ${clause}`, ...args))?.n ?? 0;
    const rows = await this.s.all<AlertRow>(
      `${SELECT} ${clause} ORDER BY a.created_at DESC, a.id DESC LIMIT ? OFFSET ?`,
      ...args,
      perPage,
      (page - 1) * perPage,
    );
    return { rows, total };
  }

  async insertManual(a: NewManualAlert, now: number): Promise<AlertRow> {
    const row = (await this.s.get<{ id: number }>(
      `INSERT INTO alerts (rule, severity, state, title, message, device_id, camera_id, site_id, created_at, last_seen, created_by)
       VALUES ('manual', ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      a.severity,
      a.title,
      a.message,
      a.device_id,
      a.camera_id,
      a.site_id,
      now,
      now,
      a.created_by,
    )) as { id: number };
    return this.#one(row.id);
  }

  acknowledge(
    f: AlertFilter & { ids?: number[] },
    by: number,
    note: string | null,
    expiresAt: number | null,
    now: number,
  ): Promise<number[]> {
    // One statement: the alerts it acknowledges are the ones it returns, whatever else commits meanwhile.
    const { clause, args } = alertWhere(dialect, { ...f, acknowledged: false });
    const idClause = f.ids ? ' AND a.id = ANY(?::bigint[])' : '';
    return this.s
      .all<{ id: number }>(
        `UPDATE alerts SET acknowledged = 1, acknowledged_by = ?, acknowledged_at = ?, ack_note = ?, ack_expires_at = ?
         WHERE id IN (SELECT a.id FROM alerts a ${clause}${idClause}) AND acknowledged = 0 RETURNING id`,
        by,
        now,
        note,
        expiresAt,
        ...args,
        ...(f.ids ? [f.ids] : []),
      )
      .then((rows) => rows.map((r) => r.id).sort((x, y) => x - y));
  }

  async delete(id: number): Promise<boolean> {
    return (await this.s.run('DELETE FROM alerts WHERE id = ?', id)) > 0;
  }

  async summary(since: number, siteId?: SiteFilter): Promise<AlertSummary> {
    const condition = siteId === undefined ? undefined : siteCondition('site_id', siteId);
    const site = condition ? ` AND ${condition.sql}` : '';
    const args = condition?.args ?? [];
    const row = (await this.s.get<Omit<AlertSummary, 'recent'>>(
      `SELECT COUNT(*) AS total,
         COUNT(*) FILTER (WHERE acknowledged = 0) AS unacknowledged,
         COUNT(*) FILTER (WHERE severity = 'critical') AS critical,
         COUNT(*) FILTER (WHERE severity = 'high') AS high,
         COUNT(*) FILTER (WHERE severity = 'medium') AS medium,
         COUNT(*) FILTER (WHERE severity = 'low') AS low,
         COUNT(*) FILTER (WHERE severity = 'info') AS info
       FROM alerts WHERE state = 'open'${site}`,
      ...args,
    )) as Omit<AlertSummary, 'recent'>;
    const recent =
      (
        await this.s.get<{ n: number }>(
          `SELECT COUNT(*) AS n FROM alerts WHERE created_at >= ?${site}`,
          since,
          ...args,
        )
      )?.n ?? 0;
    return { ...row, recent };
  }

  async digest(since: number): Promise<AlertDigest> {
    const count = async (sql: string, ...args: unknown[]) =>
      (await this.s.get<{ n: number }>(sql, ...args))?.n ?? 0;
    const bySeverity = await this.s.all<{ k: string; n: number }>(
      `SELECT severity AS k, count(*) AS n FROM alerts WHERE state = 'open' GROUP BY severity`,
    );
    return {
      open_by_severity: Object.fromEntries(bySeverity.map((r) => [r.k, r.n])),
      unacknowledged: await count(
        `SELECT count(*) AS n FROM alerts WHERE state = 'open' AND acknowledged = 0`,
      ),
      opened: await count('SELECT count(*) AS n FROM alerts WHERE created_at >= ?', since),
      resolved: await count('SELECT count(*) AS n FROM alerts WHERE resolved_at >= ?', since),
      noisiest: await this.s.all<AlertDigest['noisiest'][number]>(
        'SELECT id, title, severity, count FROM alerts WHERE last_seen >= ? ORDER BY count DESC, id LIMIT 5',
        since,
      ),
    };
  }
}
