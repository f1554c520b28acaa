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

export class SqliteJobs implements JobRepo {
  constructor(private readonly s: Scope) {}

  #get(id: string): JobRow | undefined {
    const r = this.s.stmt('SELECT * FROM jobs WHERE id = ?').get(id) as RawJob | undefined;
    return r ? fromRaw(r) : undefined;
  }

  insert(j: NewJobRow): Promise<JobRow> {
    return this.s.run(() => {
      this.s
        .stmt(
          `INSERT INTO jobs (id, type, args, target_kind, target_id, site_id, agent_id, state, timeout_s, queue_timeout_s,
             created_by, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?)`,
        )
        .run(
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
        );
      return this.#get(j.id) as JobRow;
    });
  }

  get(id: string): Promise<JobRow | undefined> {
    return this.s.run(() => this.#get(id));
  }

  list(f: JobFilter): Promise<{ items: JobRow[]; total: number }> {
    return this.s.run(() => {
      const { clause: w, args: params } = jobWhere(dialect, f);
      const total = (this.s.stmt(`SELECT count(*) AS n FROM jobs ${w}`).get(...params) as { n: number }).n;
      const rows = this.s
        .stmt(`SELECT * FROM jobs ${w} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`)
        .all(...params, f.limit, f.offset) as RawJob[];
      return { items: rows.map(fromRaw), total };
    });
  }

  pendingFor(agentId: string): Promise<JobRow[]> {
    return this.s.run(() =>
      (
        this.s
          .stmt(
            `SELECT * FROM jobs WHERE agent_id = ? AND state IN ('queued', 'sent') ORDER BY created_at, id`,
          )
          .all(agentId) as RawJob[]
      ).map(fromRaw),
    );
  }

  active(): Promise<JobRow[]> {
    return this.s.run(() =>
      (
        this.s
          .stmt(`SELECT * FROM jobs WHERE state IN ('queued', 'sent', 'running') ORDER BY created_at, id`)
          .all() as RawJob[]
      ).map(fromRaw),
    );
  }

  update(
    id: string,
    patch: Partial<Omit<JobRow, 'id'>>,
    onlyFrom: readonly JobState[] = JOB_STATES,
  ): Promise<boolean> {
    return this.s.run(() => {
      const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
      if (entries.length === 0) return false;
      for (const [k] of entries) if (!UPDATABLE.has(k)) throw new Error(`jobs.update: unknown column ${k}`);
      const sets = entries.map(([k]) => `${k} = ?`).join(', ');
      const values = entries.map(([k, v]) =>
        k === 'args' || k === 'result' ? (v === null ? null : JSON.stringify(v)) : v,
      );
      const states = onlyFrom.map(() => '?').join(', ');
      return (
        this.s
          .stmt(`UPDATE jobs SET ${sets} WHERE id = ? AND state IN (${states})`)
          .run(...values, id, ...onlyFrom).changes > 0
      );
    });
  }

  addLogs(jobId: string, lines: readonly { ts: number; level: string; line: string }[]): Promise<void> {
    return this.s.atomic(() => {
      const insert = this.s.stmt('INSERT INTO job_logs (job_id, ts, level, line) VALUES (?, ?, ?, ?)');
      for (const l of lines) insert.run(jobId, l.ts, l.level, l.line);
    });
  }

  logs(jobId: string, afterId = 0, limit = 1000): Promise<JobLogRow[]> {
    return this.s.run(
      () =>
        this.s
          .stmt('SELECT id, ts, level, line FROM job_logs WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?')
          .all(jobId, afterId, limit) as JobLogRow[],
    );
  }
}
