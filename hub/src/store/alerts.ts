import type { SiteFilter } from './tenancy.js';

/** Alert severities, most severe first (the `alerts.severity` values). */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * An alert as stored. Flags (`acknowledged`, `suppressed`, `flapping`) are 0 or 1; `transitions` is a JSON
 * array of epoch-ms times (flap detection); times are epoch ms. `acknowledged_by_username` is joined from users.
 */
export interface AlertRow {
  id: number;
  rule: string;
  rule_id: number | null;
  target_key: string | null;
  severity: Severity;
  state: 'open' | 'resolved';
  title: string;
  message: string | null;
  device_id: number | null;
  camera_id: number | null;
  site_id: number | null;
  agent_id: string | null;
  created_at: number;
  opened_at: number | null;
  last_seen: number;
  count: number;
  resolved_at: number | null;
  acknowledged: number;
  acknowledged_by: number | null;
  acknowledged_by_username: string | null;
  acknowledged_at: number | null;
  ack_note: string | null;
  ack_expires_at: number | null;
  suppressed: number;
  suppressed_by: string | null;
  flapping: number;
  transitions: string;
  maintenance_id: number | null;
  notified_at: number | null;
  last_notified_at: number | null;
  recovery_handled_at: number | null;
}

/** What an alert is about; `key` is unique per rule (`device:7`, `device:7:if:3`). */
export interface AlertTargetRef {
  key: string;
  device_id?: number;
  camera_id?: number;
  site_id?: number;
  agent_id?: string;
}

/** A new rule-made alert. */
export interface NewAlert {
  rule: string;
  rule_id: number | null;
  target: AlertTargetRef;
  severity: Severity;
  title: string;
  message: string | null;
  /** When the problem began. */
  ts: number;
  /** Hub time the alert opened (notices settle and escalate from it). */
  opened_at: number;
  suppressed_by: string | null;
  maintenance_id: number | null;
  transitions: number[];
  flapping: boolean;
}

/** The facts of a resolved alert opening again. */
export interface ReopenFacts {
  ts: number;
  opened_at: number;
  message: string | null;
  suppressed_by: string | null;
  maintenance_id: number | null;
}

export interface NewManualAlert {
  severity: Severity;
  title: string;
  message: string | null;
  device_id: number | null;
  camera_id: number | null;
  site_id: number | null;
  created_by: number;
}

/** Filters of the alert list and of acknowledge-all; every field narrows. */
export interface AlertFilter {
  severity?: string[];
  state?: 'open' | 'resolved';
  acknowledged?: boolean;
  device_id?: number;
  camera_id?: number;
  /** A site, or any of these sites (a scoped caller's). */
  site_id?: SiteFilter;
  rule?: string;
  /** Seen at or after (epoch ms). */
  from?: number;
  /** Created at or before (epoch ms). */
  to?: number;
}

/** Open alerts by severity and acknowledgement, and how many were created since a time. */
export interface AlertSummary {
  total: number;
  unacknowledged: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  recent: number;
}

/** The figures of the daily summary. */
export interface AlertDigest {
  open_by_severity: Record<string, number>;
  unacknowledged: number;
  opened: number;
  resolved: number;
  /** The alerts seen since then with the most occurrences (at most 5). */
  noisiest: { id: number; title: string; severity: string; count: number }[];
}

/** Alerts: what the engine records (one per rule and target) and what operators list, raise and acknowledge. */
export interface AlertRepo {
  get(id: number): Promise<AlertRow | undefined>;
  /** Open rule-made alerts (those with a target key). */
  open(): Promise<AlertRow[]>;
  findOpen(rule: string, key: string): Promise<AlertRow | undefined>;
  /** The latest alert of (rule, key) resolved at or after `since`. */
  findResolvedSince(rule: string, key: string, since: number): Promise<AlertRow | undefined>;
  /** Open alerts and resolved ones whose recovery is not handled yet (notices may be due). */
  notifiable(): Promise<AlertRow[]>;
  /** Alerts marked flapping. */
  flapping(): Promise<AlertRow[]>;
  insert(a: NewAlert): Promise<AlertRow>;
  /** One more occurrence of an open alert. */
  repeat(id: number, ts: number, message: string | null, severity: Severity): Promise<AlertRow>;
  /** Opens a resolved alert again (acknowledgement cleared). */
  reopen(id: number, facts: ReopenFacts, transitions: number[], flapping: boolean): Promise<AlertRow>;
  /** Resolves; `quiet` marks the recovery handled at once (no recovery notice). */
  resolve(
    id: number,
    ts: number,
    transitions: number[],
    flapping: boolean,
    quiet: boolean,
  ): Promise<AlertRow>;
  setFlapping(id: number, transitions: number[], flapping: boolean): Promise<AlertRow>;
  setSuppressed(id: number, by: string | null): Promise<AlertRow>;
  markNotified(id: number, ts: number): Promise<void>;
  markRecoveryHandled(id: number, ts: number): Promise<void>;
  /** Newest first (created_at, then id). */
  list(f: AlertFilter, page: number, perPage: number): Promise<{ rows: AlertRow[]; total: number }>;
  insertManual(a: NewManualAlert, now: number): Promise<AlertRow>;
  /** Acknowledges the matching unacknowledged alerts (and only `ids` when given); returns their ids. */
  acknowledge(
    f: AlertFilter & { ids?: number[] },
    by: number,
    note: string | null,
    expiresAt: number | null,
    now: number,
  ): Promise<number[]>;
  delete(id: number): Promise<boolean>;
  /** Open alerts (of one site when given); `recent` counts alerts created at or after `since`. */
  summary(since: number, site?: SiteFilter): Promise<AlertSummary>;
  digest(since: number): Promise<AlertDigest>;
}
