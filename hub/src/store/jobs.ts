import type { SiteFilter } from './tenancy.js';

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

/** A new job, queued. */
export interface NewJobRow {
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
}

export interface JobFilter {
  state?: string;
  agent_id?: string;
  /** A site, or any of these sites (a scoped caller's). */
  site_id?: SiteFilter;
  type?: string;
  limit: number;
  offset: number;
}

/** Jobs (commands sent to agents) and their log lines. */
export interface JobRepo {
  insert(j: NewJobRow): Promise<JobRow>;
  get(id: string): Promise<JobRow | undefined>;
  /** Newest first, with the total matching. */
  list(f: JobFilter): Promise<{ items: JobRow[]; total: number }>;
  /** Jobs of an agent not yet answered (queued, or sent without any result), oldest first. */
  pendingFor(agentId: string): Promise<JobRow[]>;
  /** Every job not in a final state, oldest first. */
  active(): Promise<JobRow[]>;
  /** Applies a partial update when the job is in one of `onlyFrom`; false otherwise (a final state stays). */
  update(id: string, patch: Partial<Omit<JobRow, 'id'>>, onlyFrom?: readonly JobState[]): Promise<boolean>;
  addLogs(jobId: string, lines: readonly { ts: number; level: string; line: string }[]): Promise<void>;
  /** Log lines after `afterId`, oldest first, at most `limit`. */
  logs(jobId: string, afterId?: number, limit?: number): Promise<JobLogRow[]>;
}
