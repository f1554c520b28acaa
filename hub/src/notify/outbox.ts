import type { NotificationMessage } from '../notifiers/types.js';
import type { Db } from '../store/db.js';
import type { ChannelHistory, NoticeKind } from './plan.js';

export interface OutboxRow {
  id: number;
  channel_id: number;
  alert_id: number | null;
  kind: NotificationMessage['kind'];
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface DeliveryRow {
  id: number;
  outbox_id: number;
  ts: number;
  ok: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** The durable notification outbox: rows survive restarts and are retried until delivered or given up. */
export class Outbox {
  constructor(private readonly db: Db) {}

  enqueue(channelId: number, alertId: number | null, message: NotificationMessage, now: number): number {
    const info = this.db
      .prepare(
        `INSERT INTO notification_outbox (channel_id, alert_id, kind, payload, status, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
      )
      .run(channelId, alertId, message.kind, JSON.stringify(message), now, now);
    return Number(info.lastInsertRowid);
  }

  get(id: number): OutboxRow | undefined {
    return this.db.prepare('SELECT * FROM notification_outbox WHERE id = ?').get(id) as OutboxRow | undefined;
  }

  /**
   * Pending rows due at `now`, oldest first, skipping any row that has an older pending row for the same
   * alert on the same channel (a recovery never overtakes its problem notice).
   */
  due(now: number, limit: number): OutboxRow[] {
    return this.db
      .prepare(
        `SELECT o.* FROM notification_outbox o
         WHERE o.status = 'pending' AND o.next_attempt_at <= ?
           AND NOT EXISTS (SELECT 1 FROM notification_outbox p WHERE p.status = 'pending' AND p.channel_id = o.channel_id
                           AND p.alert_id = o.alert_id AND p.id < o.id)
         ORDER BY o.id LIMIT ?`,
      )
      .all(now, limit) as OutboxRow[];
  }

  /** When the next pending row is due (to sleep until then), or undefined. */
  nextDueAt(): number | undefined {
    const r = this.db
      .prepare(`SELECT min(next_attempt_at) AS t FROM notification_outbox WHERE status = 'pending'`)
      .get() as { t: number | null };
    return r.t ?? undefined;
  }

  recordAttempt(
    id: number,
    a: { ts: number; ok: boolean; statusCode?: number; error?: string; durationMs: number },
    next: { status: OutboxRow['status']; nextAttemptAt?: number },
  ): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO notification_deliveries (outbox_id, ts, ok, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(id, a.ts, a.ok ? 1 : 0, a.statusCode ?? null, a.error ?? null, a.durationMs);
      this.db
        .prepare(
          `UPDATE notification_outbox SET attempts = attempts + 1, status = ?, last_error = ?,
             next_attempt_at = coalesce(?, next_attempt_at), delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END
           WHERE id = ?`,
        )
        .run(next.status, a.error ?? null, next.nextAttemptAt ?? null, a.ok ? 1 : 0, a.ts, id);
    })();
  }

  /** Gives up every pending row of a channel (disabled or misconfigured), recording why. */
  failPending(channelId: number, why: string, now: number): number {
    const rows = this.db
      .prepare(`SELECT id FROM notification_outbox WHERE channel_id = ? AND status = 'pending'`)
      .all(channelId) as { id: number }[];
    for (const r of rows)
      this.recordAttempt(r.id, { ts: now, ok: false, error: why, durationMs: 0 }, { status: 'failed' });
    return rows.length;
  }

  /** Alert notices already queued, per alert and channel, oldest first (for the planner). */
  history(alertIds: number[]): Map<number, Map<number, ChannelHistory>> {
    const out = new Map<number, Map<number, ChannelHistory>>();
    if (alertIds.length === 0) return out;
    const stmt = this.db.prepare(
      `SELECT alert_id, channel_id, kind, created_at FROM notification_outbox
       WHERE alert_id = ? AND kind IN ('problem', 'repeat', 'recovery', 'flapping') ORDER BY id`,
    );
    for (const id of alertIds) {
      const rows = stmt.all(id) as {
        alert_id: number;
        channel_id: number;
        kind: NoticeKind;
        created_at: number;
      }[];
      const perChannel = new Map<number, ChannelHistory>();
      for (const r of rows)
        perChannel.set(r.channel_id, [
          ...(perChannel.get(r.channel_id) ?? []),
          { kind: r.kind, at: r.created_at },
        ]);
      out.set(id, perChannel);
    }
    return out;
  }

  /** The delivery log of one alert: every message with its attempts. */
  forAlert(alertId: number): (OutboxRow & {
    channel_name: string | null;
    channel_type: string | null;
    attempts_log: DeliveryRow[];
  })[] {
    const rows = this.db
      .prepare(
        `SELECT o.*, c.name AS channel_name, c.type AS channel_type FROM notification_outbox o
         LEFT JOIN notification_channels c ON c.id = o.channel_id WHERE o.alert_id = ? ORDER BY o.id`,
      )
      .all(alertId) as (OutboxRow & { channel_name: string | null; channel_type: string | null })[];
    const attempts = this.db.prepare('SELECT * FROM notification_deliveries WHERE outbox_id = ? ORDER BY id');
    return rows.map((r) => ({ ...r, attempts_log: attempts.all(r.id) as DeliveryRow[] }));
  }
}
