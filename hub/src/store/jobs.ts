import type { Db } from './db.js';

export const JOB_STATES = [
  'queued',
  'sent',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
] as const;
export type JobState = (typeof JOB_STATES)[number];
export const FINAL_JOB_STATES: readonly JobState[] = ['succeeded', 'failed', 'timed_out', 'cancelled'];

export interface JobRow {
  id: string;
  type: string;
  args: Record<string, unknown>;
  target_kind: string | null;
  target_id: number | null;
  site_id: number;
  agent_id: string | null;
  state: JobState;
  progress: number | null;
  timeout_s: number;
  queue_timeout_s: number;
  created_by: number | null;
  created_at: number;
  sent_at: number | null;
  send_count: number;
  accepted_at: number | null;
  started_at: number | null;
  finished_at: number | null;
  cancel_requested_at: number | null;
  result: unknown;
  error: string | null;
  updated_at: number;
}

export interface JobLogRow {
  id: number;
  ts: number;
  level: string;
  line: string;
}

type RawJob = Omit<JobRow, 'args' | 'result'> & { args: string; result: string | null };

function fromRaw(r: RawJob): JobRow {
  return {
    ...r,
    args: JSON.parse(r.args) as Record<string, unknown>,
    result: r.result === null ? null : JSON.parse(r.result),
  };
}

/** Jobs (commands sent to agents) and their log lines. */
export class JobStore {
  constructor(private readonly db: Db) {}

  insert(j: {
    id: string;
    type: string;
    args: Record<string, unknown>;
    target_kind: string | null;
    target_id: number | null;
    site_id: number;
    agent_id: string | null;
    timeout_s: number;
    queue_timeout_s: number;
    created_by: number | null;
    now: number;
  }): JobRow {
    this.db
      .prepare(
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
    return this.get(j.id) as JobRow;
  }

  get(id: string): JobRow | undefined {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as RawJob | undefined;
    return r ? fromRaw(r) : undefined;
  }

  list(f: {
    state?: string;
    agent_id?: string;
    site_id?: number;
    type?: string;
    limit: number;
    offset: number;
  }): {
    items: JobRow[];
    total: number;
  } {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [col, value] of [
      ['state', f.state],
      ['agent_id', f.agent_id],
      ['site_id', f.site_id],
      ['type', f.type],
    ] as const) {
      if (value !== undefined) {
        where.push(`${col} = ?`);
        params.push(value);
      }
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.db
      .prepare(`SELECT count(*) FROM jobs ${w}`)
      .pluck()
      .get(...params) as number;
    const rows = this.db
      .prepare(`SELECT * FROM jobs ${w} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...params, f.limit, f.offset) as RawJob[];
    return { items: rows.map(fromRaw), total };
  }

  /** Jobs not yet answered by their agent (queued, or sent without any result). */
  pendingFor(agentId: string): JobRow[] {
    return (
      this.db
        .prepare(`SELECT * FROM jobs WHERE agent_id = ? AND state IN ('queued', 'sent') ORDER BY created_at`)
        .all(agentId) as RawJob[]
    ).map(fromRaw);
  }

  /** Every job not in a final state (for the timeout and re-send sweep). */
  active(): JobRow[] {
    return (
      this.db
        .prepare(`SELECT * FROM jobs WHERE state IN ('queued', 'sent', 'running') ORDER BY created_at`)
        .all() as RawJob[]
    ).map(fromRaw);
  }

  /** Applies a partial update; `onlyFrom` guards against overwriting a final state. */
  update(
    id: string,
    patch: Partial<Omit<JobRow, 'id'>>,
    onlyFrom: readonly JobState[] = JOB_STATES,
  ): boolean {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return false;
    const sets = entries.map(([k]) => `${k} = ?`).join(', ');
    const values = entries.map(([k, v]) =>
      k === 'args' || k === 'result' ? (v === null ? null : JSON.stringify(v)) : v,
    );
    const states = onlyFrom.map(() => '?').join(', ');
    return (
      this.db
        .prepare(`UPDATE jobs SET ${sets} WHERE id = ? AND state IN (${states})`)
        .run(...values, id, ...onlyFrom).changes > 0
    );
  }

  addLogs(jobId: string, lines: readonly { ts: number; level: string; line: string }[]): void {
    const insert = this.db.prepare('INSERT INTO job_logs (job_id, ts, level, line) VALUES (?, ?, ?, ?)');
    for (const l of lines) insert.run(jobId, l.ts, l.level, l.line);
  }

  logs(jobId: string, afterId = 0, limit = 1000): JobLogRow[] {
    return this.db
      .prepare('SELECT id, ts, level, line FROM job_logs WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?')
      .all(jobId, afterId, limit) as JobLogRow[];
  }
}
