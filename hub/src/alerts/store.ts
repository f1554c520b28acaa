import type { Db } from '../store/db.js';
import type { AlertTarget, Severity } from './types.js';

/** An `alerts` row with the columns of migrations 001 and 003. */
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

/** The API representation of an alert (what `alert.changed` carries). */
export function alertView(r: AlertRow): Record<string, unknown> {
  const { transitions: _t, acknowledged, suppressed, flapping, ...rest } = r;
  return {
    ...rest,
    acknowledged: acknowledged === 1,
    suppressed: suppressed === 1,
    flapping: flapping === 1,
  };
}

/** Whether an acknowledgement is in force at `now` (an expired one no longer silences repeats). */
export function isAcknowledged(r: AlertRow, now: number): boolean {
  return r.acknowledged === 1 && (r.ack_expires_at === null || r.ack_expires_at > now);
}

/** Alert persistence for the engine; every method is one statement or one transaction. */
export class AlertStore {
  constructor(private readonly db: Db) {}

  get(id: number): AlertRow | undefined {
    return this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined;
  }

  open(): AlertRow[] {
    return this.db
      .prepare(`SELECT * FROM alerts WHERE state = 'open' AND target_key IS NOT NULL`)
      .all() as AlertRow[];
  }

  findOpen(rule: string, key: string): AlertRow | undefined {
    return this.db
      .prepare(`SELECT * FROM alerts WHERE rule = ? AND target_key = ? AND state = 'open'`)
      .get(rule, key) as AlertRow | undefined;
  }

  /** The latest alert of (rule, target) resolved at or after `since`: reopened instead of duplicated. */
  findResolvedSince(rule: string, key: string, since: number): AlertRow | undefined {
    return this.db
      .prepare(
        `SELECT * FROM alerts WHERE rule = ? AND target_key = ? AND state = 'resolved' AND resolved_at >= ?
         ORDER BY resolved_at DESC LIMIT 1`,
      )
      .get(rule, key, since) as AlertRow | undefined;
  }

  /** Open and resolved-but-not-yet-handled alerts (rule-made and manual): notices may still be due for them. */
  notifiable(): AlertRow[] {
    return this.db
      .prepare(`SELECT * FROM alerts WHERE state = 'open' OR recovery_handled_at IS NULL`)
      .all() as AlertRow[];
  }

  insert(a: {
    rule: string;
    rule_id: number | null;
    target: AlertTarget;
    severity: Severity;
    title: string;
    message: string | null;
    ts: number;
    /** Hub time the alert opened (notices settle and escalate from it); `ts` is when the problem began. */
    opened_at: number;
    suppressed_by: string | null;
    maintenance_id: number | null;
    transitions: number[];
    flapping: boolean;
  }): AlertRow {
    const info = this.db
      .prepare(
        `INSERT INTO alerts (rule, rule_id, target_key, severity, state, title, message, device_id, camera_id,
           site_id, agent_id, created_at, opened_at, last_seen, count, suppressed, suppressed_by, maintenance_id,
           transitions, flapping)
         VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
      )
      .run(
        a.rule,
        a.rule_id,
        a.target.key,
        a.severity,
        a.title,
        a.message,
        a.target.device_id ?? null,
        a.target.camera_id ?? null,
        a.target.site_id ?? null,
        a.target.agent_id ?? null,
        a.ts,
        a.opened_at,
        a.ts,
        a.suppressed_by ? 1 : 0,
        a.suppressed_by,
        a.maintenance_id,
        JSON.stringify(a.transitions),
        a.flapping ? 1 : 0,
      );
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** A repeat of an open alert: one more occurrence. */
  repeat(id: number, ts: number, message: string | null, severity: Severity): AlertRow {
    this.db
      .prepare(
        'UPDATE alerts SET count = count + 1, last_seen = max(last_seen, ?), message = coalesce(?, message), severity = ? WHERE id = ?',
      )
      .run(ts, message, severity, id);
    return this.get(id)!;
  }

  /** A resolved alert that came back within the flap window: the same alert opens again. */
  reopen(
    id: number,
    a: {
      ts: number;
      opened_at: number;
      message: string | null;
      suppressed_by: string | null;
      maintenance_id: number | null;
    },
    transitions: number[],
    flapping: boolean,
  ): AlertRow {
    this.db
      .prepare(
        `UPDATE alerts SET state = 'open', resolved_at = NULL, recovery_handled_at = NULL, opened_at = ?,
           last_seen = ?, count = count + 1, message = coalesce(?, message), suppressed = ?, suppressed_by = ?,
           maintenance_id = ?, transitions = ?, flapping = ?, acknowledged = 0, acknowledged_by = NULL,
           acknowledged_at = NULL, ack_note = NULL, ack_expires_at = NULL
         WHERE id = ?`,
      )
      .run(
        a.opened_at,
        a.ts,
        a.message,
        a.suppressed_by ? 1 : 0,
        a.suppressed_by,
        a.maintenance_id,
        JSON.stringify(transitions),
        flapping ? 1 : 0,
        id,
      );
    return this.get(id)!;
  }

  resolve(id: number, ts: number, transitions: number[], flapping: boolean, quiet: boolean): AlertRow {
    this.db
      .prepare(
        `UPDATE alerts SET state = 'resolved', resolved_at = ?, transitions = ?, flapping = ?,
           recovery_handled_at = CASE WHEN ? THEN ? ELSE NULL END WHERE id = ?`,
      )
      .run(ts, JSON.stringify(transitions), flapping ? 1 : 0, quiet ? 1 : 0, ts, id);
    return this.get(id)!;
  }

  setFlapping(id: number, transitions: number[], flapping: boolean): AlertRow {
    this.db
      .prepare('UPDATE alerts SET transitions = ?, flapping = ? WHERE id = ?')
      .run(JSON.stringify(transitions), flapping ? 1 : 0, id);
    return this.get(id)!;
  }

  setSuppressed(id: number, by: string | null): AlertRow {
    this.db
      .prepare('UPDATE alerts SET suppressed = ?, suppressed_by = ? WHERE id = ?')
      .run(by ? 1 : 0, by, id);
    return this.get(id)!;
  }

  markNotified(id: number, ts: number): void {
    this.db
      .prepare('UPDATE alerts SET notified_at = coalesce(notified_at, ?), last_notified_at = ? WHERE id = ?')
      .run(ts, ts, id);
  }

  markRecoveryHandled(id: number, ts: number): void {
    this.db.prepare('UPDATE alerts SET recovery_handled_at = ? WHERE id = ?').run(ts, id);
  }
}
