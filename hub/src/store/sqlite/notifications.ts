import type {
  Attempt,
  DeliveryRow,
  NoticeKind,
  NoticeRecord,
  NotificationRepo,
  OutboxRow,
} from '../notifications.js';
import type { Scope } from './connection.js';

export class SqliteNotifications implements NotificationRepo {
  constructor(private readonly s: Scope) {}

  enqueue(
    channelId: number,
    alertId: number | null,
    kind: NoticeKind,
    payload: unknown,
    now: number,
  ): Promise<number> {
    return this.s.run(() => {
      const info = this.s
        .stmt(
          `INSERT INTO notification_outbox (channel_id, alert_id, kind, payload, status, next_attempt_at, created_at)
           VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
        )
        .run(channelId, alertId, kind, JSON.stringify(payload), now, now);
      return Number(info.lastInsertRowid);
    });
  }

  get(id: number): Promise<OutboxRow | undefined> {
    return this.s.run(
      () => this.s.stmt('SELECT * FROM notification_outbox WHERE id = ?').get(id) as OutboxRow | undefined,
    );
  }

  list(f: { alert_id?: number; kind?: NoticeKind; limit?: number } = {}): Promise<OutboxRow[]> {
    return this.s.run(() => {
      const where: string[] = [];
      const args: unknown[] = [];
      if (f.alert_id !== undefined) {
        where.push('alert_id = ?');
        args.push(f.alert_id);
      }
      if (f.kind !== undefined) {
        where.push('kind = ?');
        args.push(f.kind);
      }
      return this.s
        .stmt(
          `SELECT * FROM notification_outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`,
        )
        .all(...args, f.limit ?? 1000) as OutboxRow[];
    });
  }

  due(now: number, limit: number): Promise<OutboxRow[]> {
    return this.s.run(
      () =>
        this.s
          .stmt(
            `SELECT o.* FROM notification_outbox o
             WHERE o.status = 'pending' AND o.next_attempt_at <= ?
               AND NOT EXISTS (SELECT 1 FROM notification_outbox p WHERE p.status = 'pending' AND p.channel_id = o.channel_id
                               AND p.alert_id = o.alert_id AND p.id < o.id)
             ORDER BY o.id LIMIT ?`,
          )
          .all(now, limit) as OutboxRow[],
    );
  }

  nextDueAt(): Promise<number | undefined> {
    return this.s.run(() => {
      const r = this.s
        .stmt(`SELECT min(next_attempt_at) AS t FROM notification_outbox WHERE status = 'pending'`)
        .get() as { t: number | null };
      return r.t ?? undefined;
    });
  }

  #record(id: number, a: Attempt, next: { status: OutboxRow['status']; nextAttemptAt?: number }): void {
    this.s
      .stmt(
        'INSERT INTO notification_deliveries (outbox_id, ts, ok, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(id, a.ts, a.ok ? 1 : 0, a.statusCode ?? null, a.error ?? null, a.durationMs);
    this.s
      .stmt(
        `UPDATE notification_outbox SET attempts = attempts + 1, status = ?, last_error = ?,
           next_attempt_at = coalesce(?, next_attempt_at), delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END
         WHERE id = ?`,
      )
      .run(next.status, a.error ?? null, next.nextAttemptAt ?? null, a.ok ? 1 : 0, a.ts, id);
  }

  recordAttempt(
    id: number,
    a: Attempt,
    next: { status: OutboxRow['status']; nextAttemptAt?: number },
  ): Promise<void> {
    return this.s.atomic(() => this.#record(id, a, next));
  }

  failPending(channelId: number, why: string, now: number): Promise<number> {
    return this.s.atomic(() => {
      const rows = this.s
        .stmt(`SELECT id FROM notification_outbox WHERE channel_id = ? AND status = 'pending' ORDER BY id`)
        .all(channelId) as { id: number }[];
      for (const r of rows)
        this.#record(r.id, { ts: now, ok: false, error: why, durationMs: 0 }, { status: 'failed' });
      return rows.length;
    });
  }

  history(alertIds: readonly number[]): Promise<NoticeRecord[]> {
    return this.s.run(() => {
      const stmt = this.s.stmt(
        `SELECT alert_id, channel_id, kind, created_at FROM notification_outbox
         WHERE alert_id = ? AND kind IN ('problem', 'repeat', 'recovery', 'flapping') ORDER BY id`,
      );
      const out: NoticeRecord[] = [];
      for (const id of alertIds) out.push(...(stmt.all(id) as NoticeRecord[]));
      return out;
    });
  }

  attempts(outboxId: number): Promise<DeliveryRow[]> {
    return this.s.run(
      () =>
        this.s
          .stmt('SELECT * FROM notification_deliveries WHERE outbox_id = ? ORDER BY id')
          .all(outboxId) as DeliveryRow[],
    );
  }

  forAlert(alertId: number) {
    return this.s.run(() => {
      const rows = this.s
        .stmt(
          `SELECT o.*, c.name AS channel_name, c.type AS channel_type FROM notification_outbox o
           LEFT JOIN notification_channels c ON c.id = o.channel_id WHERE o.alert_id = ? ORDER BY o.id`,
        )
        .all(alertId) as (OutboxRow & { channel_name: string | null; channel_type: string | null })[];
      const attempts = this.s.stmt('SELECT * FROM notification_deliveries WHERE outbox_id = ? ORDER BY id');
      return rows.map((r) => ({ ...r, attempts_log: attempts.all(r.id) as DeliveryRow[] }));
    });
  }

  pending(): Promise<{ count: number; oldest: number | null }> {
    return this.s.run(
      () =>
        this.s
          .stmt(
            `SELECT count(*) AS count, min(created_at) AS oldest FROM notification_outbox WHERE status = 'pending'`,
          )
          .get() as { count: number; oldest: number | null },
    );
  }
}
