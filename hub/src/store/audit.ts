export interface AuditEntry {
  ts: number;
  user_id?: number | null;
  username?: string | null;
  action: string;
  target_type?: string | null;
  target_id?: string | null;
  client_ip?: string | null;
  outcome: 'success' | 'failure' | 'denied';
  status?: number | null;
  details?: Record<string, unknown> | null;
}

/** An audit record as stored; `details` is JSON text. */
export interface AuditRow {
  id: number;
  ts: number;
  user_id: number | null;
  username: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  client_ip: string | null;
  outcome: string;
  status: number | null;
  details: string | null;
}

export interface AuditFilter {
  /** Exact username, without regard to case. */
  user?: string;
  /** A part of the action (`DELETE`, `/devices`). */
  action?: string;
  target_type?: string;
  target_id?: string;
  outcome?: string;
  from?: number;
  to?: number;
}

/** The audit log: append-only. */
export interface AuditRepo {
  record(e: AuditEntry): Promise<void>;
  /** Newest first. */
  list(f: AuditFilter, page: number, perPage: number): Promise<{ rows: AuditRow[]; total: number }>;
}
