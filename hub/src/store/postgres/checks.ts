import type { CheckFilter, CheckRecord, CheckRepo, CheckRow, CheckRun, CheckRunOutcome } from '../checks.js';
import type { SiteFilter } from '../tenancy.js';
import type { Scope } from './connection.js';
import { siteCondition } from './site-filter.js';

type Raw = Omit<CheckRow, 'enabled'> & { enabled: number };

const SELECT = 'SELECT c.*, d.site_id AS site_id FROM checks c JOIN devices d ON d.id = c.device_id';
const WRITABLE = ['name', 'kind', 'interval_s', 'timeout_ms', 'params', 'enabled'] as const;

const toRow = (r: Raw | undefined): CheckRow | undefined =>
  r ? { ...r, enabled: r.enabled === 1 } : undefined;

export class PgChecks implements CheckRepo {
  constructor(private readonly s: Scope) {}

  async get(id: number): Promise<CheckRow | undefined> {
    return toRow(await this.s.get<Raw>(`${SELECT} WHERE c.id = ?`, id));
  }

  async insert(r: CheckRecord, now: number): Promise<CheckRow> {
    const row = await this.s.get<{ id: number }>(
      `INSERT INTO checks (device_id, name, kind, interval_s, timeout_ms, params, enabled, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      r.device_id,
      r.name,
      r.kind,
      r.interval_s,
      r.timeout_ms,
      r.params,
      r.enabled ? 1 : 0,
      now,
      now,
    );
    return (await this.get(row?.id as number)) as CheckRow;
  }

  async update(
    id: number,
    patch: Partial<Omit<CheckRecord, 'device_id'>>,
    now: number,
  ): Promise<CheckRow | undefined> {
    const keys = WRITABLE.filter((k) => patch[k] !== undefined);
    const values = keys.map((k) => (k === 'enabled' ? (patch.enabled ? 1 : 0) : patch[k]));
    await this.s.run(
      `UPDATE checks SET ${[...keys.map((k) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`,
      ...values,
      now,
      id,
    );
    return this.get(id);
  }

  async delete(id: number): Promise<boolean> {
    return (await this.s.run('DELETE FROM checks WHERE id = ?', id)) > 0;
  }

  async list(f: CheckFilter = {}): Promise<CheckRow[]> {
    const parts: string[] = [];
    const args: unknown[] = [];
    const equals: [string, unknown][] = [
      ['c.device_id', f.device_id],
      ['c.status', f.status],
      ['c.kind', f.kind],
    ];
    for (const [column, value] of equals) {
      if (value === undefined) continue;
      parts.push(`${column} = ?`);
      args.push(value);
    }
    if (f.site_id !== undefined) {
      const site = siteCondition('d.site_id', f.site_id);
      parts.push(site.sql);
      args.push(...site.args);
    }
    const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
    const rows = await this.s.all<Raw>(`${SELECT} ${where} ORDER BY c.device_id, c.name, c.id`, ...args);
    return rows.map((r) => toRow(r) as CheckRow);
  }

  async forSite(siteId: number): Promise<CheckRow[]> {
    const rows = await this.s.all<Raw>(`${SELECT} WHERE d.site_id = ? ORDER BY c.id`, siteId);
    return rows.map((r) => toRow(r) as CheckRow);
  }

  recordRun(run: CheckRun): Promise<CheckRunOutcome | undefined> {
    return this.s.atomic(async (s) => {
      // The row lock orders two reports of one check: each sees the state the other left.
      const before = await s.get<{
        device_id: number;
        name: string;
        kind: string;
        status: string;
        last_run_at: number | null;
      }>('SELECT device_id, name, kind, status, last_run_at FROM checks WHERE id = ? FOR UPDATE', run.id);
      if (!before) return undefined;
      const { last_run_at, status, ...rest } = before;
      if (rest.device_id !== run.device_id || (last_run_at !== null && run.ts < last_run_at))
        return { ...rest, previous: status, applied: false };
      await s.run(
        `UPDATE checks SET status = ?, status_error = ?, last_run_at = ?, response_ms = ?, facts = ?,
           status_changed_at = CASE WHEN status = ? THEN status_changed_at ELSE ? END
         WHERE id = ?`,
        run.status,
        run.error,
        run.ts,
        run.response_ms,
        run.facts,
        run.status,
        run.ts,
        run.id,
      );
      return { ...rest, previous: status, applied: true };
    });
  }

  async statusCounts(siteId?: SiteFilter): Promise<Record<string, number>> {
    const condition = siteId === undefined ? undefined : siteCondition('d.site_id', siteId);
    const rows = await this.s.all<{ status: string; n: number }>(
      `SELECT c.status AS status, COUNT(*) AS n FROM checks c JOIN devices d ON d.id = c.device_id
       ${condition ? `WHERE ${condition.sql}` : ''} GROUP BY c.status`,
      ...(condition?.args ?? []),
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }
}
