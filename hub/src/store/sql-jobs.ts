import type { JobFilter, JobRow } from './jobs.js';
import { type SqlDialect, siteCondition } from './sql-dialect.js';

// What the SQL engines (store/sqlite, store/postgres) share about the jobs table: its raw row, the columns an
// update may set, and the WHERE clause of a list filter.

export type RawJob = Omit<JobRow, 'args' | 'result'> & { args: string; result: string | null };

export function fromRaw(r: RawJob): JobRow {
  return {
    ...r,
    args: JSON.parse(r.args) as Record<string, unknown>,
    result: r.result === null ? null : JSON.parse(r.result),
  };
}

/** Columns `update` may set (the patch's keys are checked against these, never spliced in unchecked). */
export const UPDATABLE = new Set<string>([
  'type',
  'args',
  'target_kind',
  'target_id',
  'site_id',
  'agent_id',
  'state',
  'progress',
  'timeout_s',
  'queue_timeout_s',
  'created_by',
  'created_at',
  'sent_at',
  'send_count',
  'accepted_at',
  'started_at',
  'finished_at',
  'cancel_requested_at',
  'result',
  'error',
  'updated_at',
]);

/** The WHERE clause (empty when the filter is) of a job list filter. */
export function jobWhere(d: SqlDialect, f: JobFilter): { clause: string; args: unknown[] } {
  const parts: string[] = [];
  const args: unknown[] = [];
  for (const [col, value] of [
    ['state', f.state],
    ['agent_id', f.agent_id],
    ['type', f.type],
  ] as const) {
    if (value !== undefined) {
      parts.push(`${col} = ?`);
      args.push(value);
    }
  }
  if (f.site_id !== undefined) {
    const site = siteCondition(d, 'site_id', f.site_id);
    parts.push(site.sql);
    args.push(...site.args);
  }
  return { clause: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}
