import type { SiteFilter } from './tenancy.js';

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
  /** The site of what the request touched; a site that no longer exists is recorded as none. */
  site_id?: number | null;
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
  /** The site of what the entry touched, or null (hub-wide, unknown, or a deleted site). */
  site_id: number | null;
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
  /** Entries of this site or of these sites only (entries of no site never match). */
  site_id?: SiteFilter;
}

/** The audit log: append-only. */
export interface AuditRepo {
  record(e: AuditEntry): Promise<void>;
  /** Newest first. */
  list(f: AuditFilter, page: number, perPage: number): Promise<{ rows: AuditRow[]; total: number }>;
}
