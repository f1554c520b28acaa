import {
  JOB_STATES,
  type JobFilter,
  type JobLogRow,
  type JobRepo,
  type JobRow,
  type JobState,
  type NewJobRow,
} from '../jobs.js';
import { fromRaw, jobWhere, type RawJob, UPDATABLE } from '../sql-jobs.js';
import type { Scope } from './connection.js';
import { dialect } from './site-filter.js';

export class PgJobs implements JobRepo {
  constructor(private readonly s: Scope) {}

  async #get(id: string): Promise<JobRow | undefined> {
    const r = await this.s.get<RawJob>('SELECT * FROM jobs WHERE id = ?', id);
    return r ? fromRaw(r) : undefined;
  }

  async insert(j: NewJobRow): Promise<JobRow> {
    const r = (await this.s.get<RawJob>(
      `INSERT INTO jobs (id, type, args, target_kind, target_id, site_id, agent_id, state, timeout_s, queue_timeout_s,
         created_by, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?) RETURNING *`,
      j.id,
      j.type,
      JSON.stringify(j.args),
      j.target_kind,
      j.target_id,
      j.site_id,
      j.agent_id,
      j.timeout_s,
      j.queue_timeout_s,
      j.created_by,
      j.now,
      j.now,
    )) as RawJob;
    return fromRaw(r);
  }

  get(id: string): Promise<JobRow | undefined> {
    return this.#get(id);
  }

  async list(f: JobFilter): Promise<{ items: JobRow[]; total: number }> {
    const { clause: w, args: params } = jobWhere(dialect, f);
    const total = (await this.s.get<{ n: number }>(`SELECT count(*) AS n FROM jobs ${w}`, ...params))?.n ?? 0;
    const rows = await this.s.all<RawJob>(
      `SELECT * FROM jobs ${w} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
      ...params,
      f.limit,
      f.offset,
    );
    return { items: rows.map(fromRaw), total };
  }

  async pendingFor(agentId: string): Promise<JobRow[]> {
    return (
      await this.s.all<RawJob>(
        `SELECT * FROM jobs WHERE agent_id = ? AND state IN ('queued', 'sent') ORDER BY created_at, id`,
        agentId,
      )
    ).map(fromRaw);
  }

  async active(): Promise<JobRow[]> {
    return (
      await this.s.all<RawJob>(
        `SELECT * FROM jobs WHERE state IN ('queued', 'sent', 'running') ORDER BY created_at, id`,
      )
    ).map(fromRaw);
  }

  async update(
    id: string,
    patch: Partial<Omit<JobRow, 'id'>>,
    onlyFrom: readonly JobState[] = JOB_STATES,
  ): Promise<boolean> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return false;
    for (const [k] of entries) if (!UPDATABLE.has(k)) throw new Error(`jobs.update: unknown column ${k}`);
    const sets = entries.map(([k]) => `${k} = ?`).join(', ');
    const values = entries.map(([k, v]) =>
      k === 'args' || k === 'result' ? (v === null ? null : JSON.stringify(v)) : v,
    );
    // The state guard makes a transition single: of two racing updates from 'running', one changes the row.
    return (
      (await this.s.run(`UPDATE jobs SET ${sets} WHERE id = ? AND state = ANY(?::text[])`, ...values, id, [
        ...onlyFrom,
      ])) > 0
    );
  }

  async addLogs(jobId: string, lines: readonly { ts: number; level: string; line: string }[]): Promise<void> {
    if (lines.length === 0) return;
    await this.s.run(
      `INSERT INTO job_logs (job_id, ts, level, line)
       SELECT ?, l.ts, l.level, l.line FROM unnest(?::bigint[], ?::text[], ?::text[]) WITH ORDINALITY AS l(ts, level, line, n)
       ORDER BY l.n`,
      jobId,
      lines.map((l) => l.ts),
      lines.map((l) => l.level),
      lines.map((l) => l.line),
    );
  }

  logs(jobId: string, afterId = 0, limit = 1000): Promise<JobLogRow[]> {
    return this.s.all<JobLogRow>(
      'SELECT id, ts, level, line FROM job_logs WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?',
      jobId,
      afterId,
      limit,
    );
  }
}
