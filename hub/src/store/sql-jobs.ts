import type { JobRow } from './jobs.js';

// What the SQL engines (store/sqlite, store/postgres) share about the jobs table: its raw row and the columns an
// update may set.

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
