import type { AgentRepo, AgentRow, AgentStatusUpdate, NewAgent } from '../agents.js';
import type { SiteFilter } from '../tenancy.js';
import type { Scope } from './connection.js';
import { siteCondition } from './site-filter.js';

const COLUMNS = `id, site_id, hostname, version, status, status_reason, last_seen, started_at, config_version_applied,
  backlog, dropped, invalid_payloads, refused_items, revoked_at, created_at`;

export class SqliteAgents implements AgentRepo {
  constructor(private readonly s: Scope) {}

  #get(id: string): AgentRow | undefined {
    return this.s.stmt(`SELECT ${COLUMNS} FROM agents WHERE id = ?`).get(id) as AgentRow | undefined;
  }

  get(id: string): Promise<AgentRow | undefined> {
    return this.s.run(() => this.#get(id));
  }

  withSecret(id: string): Promise<(AgentRow & { secret_hash: string }) | undefined> {
    return this.s.run(
      () =>
        this.s.stmt(`SELECT ${COLUMNS}, secret_hash FROM agents WHERE id = ?`).get(id) as
          | (AgentRow & { secret_hash: string })
          | undefined,
    );
  }

  list(filter: { site_id?: SiteFilter; status?: string } = {}): Promise<AgentRow[]> {
    return this.s.run(() => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.site_id !== undefined) {
        const site = siteCondition('site_id', filter.site_id);
        where.push(site.sql);
        params.push(...site.args);
      }
      if (filter.status !== undefined) {
        where.push('status = ?');
        params.push(filter.status);
      }
      const sql = `SELECT ${COLUMNS} FROM agents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
      return this.s.stmt(sql).all(...params) as AgentRow[];
    });
  }

  create(a: NewAgent): Promise<AgentRow> {
    return this.s.run(() => {
      this.s
        .stmt(
          `INSERT INTO agents (id, site_id, hostname, version, secret_hash, created_at, enrolled_with)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(a.id, a.site_id, a.hostname, a.version, a.secret_hash, a.created_at, a.enrolled_with ?? null);
      return this.#get(a.id) as AgentRow;
    });
  }

  updateStatus(id: string, u: AgentStatusUpdate): Promise<void> {
    return this.s.run(() => {
      this.s
        .stmt(
          `UPDATE agents SET status = @status, status_reason = @reason, last_seen = @last_seen,
             version = coalesce(@version, version), hostname = coalesce(@hostname, hostname),
             started_at = coalesce(@started_at, started_at),
             config_version_applied = coalesce(@config_version_applied, config_version_applied),
             backlog_previous = CASE WHEN @backlog IS NULL THEN backlog_previous ELSE backlog END,
             backlog = coalesce(@backlog, backlog), dropped = coalesce(@dropped, dropped)
           WHERE id = @id`,
        )
        .run({
          id,
          status: u.status,
          reason: u.reason ?? null,
          last_seen: u.last_seen,
          version: u.version ?? null,
          hostname: u.hostname ?? null,
          started_at: u.started_at ?? null,
          config_version_applied: u.config_version_applied ?? null,
          backlog: u.backlog ?? null,
          dropped: u.dropped ?? null,
        });
    });
  }

  touch(id: string, ts: number): Promise<void> {
    return this.s.run(() => {
      this.s.stmt('UPDATE agents SET last_seen = ? WHERE id = ?').run(ts, id);
    });
  }

  addInvalidPayloads(id: string, n: number): Promise<void> {
    return this.s.run(() => {
      this.s.stmt('UPDATE agents SET invalid_payloads = invalid_payloads + ? WHERE id = ?').run(n, id);
    });
  }

  addRefusedItems(id: string, n: number): Promise<void> {
    return this.s.run(() => {
      if (n > 0) this.s.stmt('UPDATE agents SET refused_items = refused_items + ? WHERE id = ?').run(n, id);
    });
  }

  revoke(id: string, ts: number): Promise<boolean> {
    return this.s.run(
      () =>
        this.s
          .stmt(
            `UPDATE agents SET revoked_at = ?, status = 'offline', status_reason = 'revoked' WHERE id = ? AND revoked_at IS NULL`,
          )
          .run(ts, id).changes > 0,
    );
  }

  activeSites(): Promise<number[]> {
    return this.s.run(() =>
      (
        this.s
          .stmt('SELECT DISTINCT site_id FROM agents WHERE revoked_at IS NULL ORDER BY site_id')
          .all() as {
          site_id: number;
        }[]
      ).map((r) => r.site_id),
    );
  }
}
