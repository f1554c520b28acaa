import type { AgentRepo, AgentRow, AgentStatusUpdate, NewAgent } from '../agents.js';
import type { SiteFilter } from '../tenancy.js';
import type { Scope } from './connection.js';
import { siteCondition } from './site-filter.js';

const COLUMNS = `id, site_id, hostname, version, status, status_reason, last_seen, started_at, config_version_applied,
  backlog, dropped, invalid_payloads, refused_items, revoked_at, created_at`;

export class PgAgents implements AgentRepo {
  constructor(private readonly s: Scope) {}

  get(id: string): Promise<AgentRow | undefined> {
    return this.s.get<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE id = ?`, id);
  }

  withSecret(id: string): Promise<(AgentRow & { secret_hash: string }) | undefined> {
    return this.s.get(`SELECT ${COLUMNS}, secret_hash FROM agents WHERE id = ?`, id);
  }

  list(filter: { site_id?: SiteFilter; status?: string } = {}): Promise<AgentRow[]> {
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
    return this.s.all<AgentRow>(
      `SELECT ${COLUMNS} FROM agents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`,
      ...params,
    );
  }

  async create(a: NewAgent): Promise<AgentRow> {
    return (await this.s.get<AgentRow>(
      `INSERT INTO agents (id, site_id, hostname, version, secret_hash, created_at, enrolled_with)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
      a.id,
      a.site_id,
      a.hostname,
      a.version,
      a.secret_hash,
      a.created_at,
      a.enrolled_with ?? null,
    )) as AgentRow;
  }

  async updateStatus(id: string, u: AgentStatusUpdate): Promise<void> {
    await this.s.run(
      `UPDATE agents SET status = $2, status_reason = $3, last_seen = $4,
         version = coalesce($5, version), hostname = coalesce($6, hostname),
         started_at = coalesce($7, started_at),
         config_version_applied = coalesce($8, config_version_applied),
         backlog_previous = CASE WHEN $9::bigint IS NULL THEN backlog_previous ELSE backlog END,
         backlog = coalesce($9::bigint, backlog), dropped = coalesce($10, dropped)
       WHERE id = $1`,
      id,
      u.status,
      u.reason ?? null,
      u.last_seen,
      u.version ?? null,
      u.hostname ?? null,
      u.started_at ?? null,
      u.config_version_applied ?? null,
      u.backlog ?? null,
      u.dropped ?? null,
    );
  }

  async touch(id: string, ts: number): Promise<void> {
    await this.s.run('UPDATE agents SET last_seen = ? WHERE id = ?', ts, id);
  }

  async addInvalidPayloads(id: string, n: number): Promise<void> {
    await this.s.run('UPDATE agents SET invalid_payloads = invalid_payloads + ? WHERE id = ?', n, id);
  }

  async addRefusedItems(id: string, n: number): Promise<void> {
    if (n > 0) await this.s.run('UPDATE agents SET refused_items = refused_items + ? WHERE id = ?', n, id);
  }

  async revoke(id: string, ts: number): Promise<boolean> {
    return (
      (await this.s.run(
        `UPDATE agents SET revoked_at = ?, status = 'offline', status_reason = 'revoked' WHERE id = ? AND revoked_at IS NULL`,
        ts,
        id,
      )) > 0
    );
  }

  async activeSites(): Promise<number[]> {
    return (
      await this.s.all<{ site_id: number }>(
        'SELECT DISTINCT site_id FROM agents WHERE revoked_at IS NULL ORDER BY site_id',
      )
    ).map((r) => r.site_id);
  }
}
