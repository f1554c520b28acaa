import type { CheckFilter, CheckRecord, CheckRepo, CheckRow, CheckRun, CheckRunOutcome } from '../checks.js';
import type { SiteFilter } from '../tenancy.js';
import type { Scope } from './connection.js';
import { siteCondition } from './site-filter.js';

type Raw = Omit<CheckRow, 'enabled'> & { enabled: number };

const SELECT = 'SELECT c.*, d.site_id AS site_id FROM checks c JOIN devices d ON d.id = c.device_id';
const WRITABLE = ['name', 'kind', 'interval_s', 'timeout_ms', 'params', 'enabled'] as const;

const toRow = (r: Raw | undefined): CheckRow | undefined =>
  r ? { ...r, enabled: r.enabled === 1 } : undefined;

export class SqliteChecks implements CheckRepo {
  constructor(private readonly s: Scope) {}

  #get(id: number): CheckRow | undefined {
    return toRow(this.s.stmt(`${SELECT} WHERE c.id = ?`).get(id) as Raw | undefined);
  }

  get(id: number): Promise<CheckRow | undefined> {
    return this.s.run(() => this.#get(id));
  }

  insert(r: CheckRecord, now: number): Promise<CheckRow> {
    return this.s.run(() => {
      const info = this.s
        .stmt(
          `INSERT INTO checks (device_id, name, kind, interval_s, timeout_ms, params, enabled, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(r.device_id, r.name, r.kind, r.interval_s, r.timeout_ms, r.params, r.enabled ? 1 : 0, now, now);
      return this.#get(Number(info.lastInsertRowid)) as CheckRow;
    });
  }

  update(
    id: number,
    patch: Partial<Omit<CheckRecord, 'device_id'>>,
    now: number,
  ): Promise<CheckRow | undefined> {
    return this.s.run(() => {
      const keys = WRITABLE.filter((k) => patch[k] !== undefined);
      const values = keys.map((k) => (k === 'enabled' ? (patch.enabled ? 1 : 0) : patch[k]));
      this.s
        .stmt(
          `UPDATE checks SET ${[...keys.map((k) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`,
        )
        .run(...values, now, id);
      return this.#get(id);
    });
  }

  delete(id: number): Promise<boolean> {
    return this.s.run(() => this.s.stmt('DELETE FROM checks WHERE id = ?').run(id).changes > 0);
  }

  list(f: CheckFilter = {}): Promise<CheckRow[]> {
    return this.s.run(() => {
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
      return (this.s.stmt(`${SELECT} ${where} ORDER BY c.device_id, c.name, c.id`).all(...args) as Raw[]).map(
        (r) => toRow(r) as CheckRow,
      );
    });
  }

  forSite(siteId: number): Promise<CheckRow[]> {
    return this.s.run(() =>
      (this.s.stmt(`${SELECT} WHERE d.site_id = ? ORDER BY c.id`).all(siteId) as Raw[]).map(
        (r) => toRow(r) as CheckRow,
      ),
    );
  }

  recordRun(run: CheckRun): Promise<CheckRunOutcome | undefined> {
    return this.s.atomic(() => {
      const before = this.s
        .stmt('SELECT device_id, name, kind, status, last_run_at FROM checks WHERE id = ?')
        .get(run.id) as
        | { device_id: number; name: string; kind: string; status: string; last_run_at: number | null }
        | undefined;
      if (!before) return undefined;
      const { last_run_at, status, ...rest } = before;
      if (rest.device_id !== run.device_id || (last_run_at !== null && run.ts < last_run_at))
        return { ...rest, previous: status, applied: false };
      this.s
        .stmt(
          `UPDATE checks SET status = @status, status_error = @error, last_run_at = @ts,
             response_ms = @response_ms, facts = @facts,
             status_changed_at = CASE WHEN status = @status THEN status_changed_at ELSE @ts END
           WHERE id = @id`,
        )
        .run({
          id: run.id,
          status: run.status,
          error: run.error,
          ts: run.ts,
          response_ms: run.response_ms,
          facts: run.facts,
        });
      return { ...rest, previous: status, applied: true };
    });
  }

  statusCounts(siteId?: SiteFilter): Promise<Record<string, number>> {
    const condition = siteId === undefined ? undefined : siteCondition('d.site_id', siteId);
    return this.s.run(() => {
      const rows = this.s
        .stmt(
          `SELECT c.status AS status, COUNT(*) AS n FROM checks c JOIN devices d ON d.id = c.device_id
           ${condition ? `WHERE ${condition.sql}` : ''} GROUP BY c.status`,
        )
        .all(...(condition?.args ?? [])) as { status: string; n: number }[];
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    });
  }
}
