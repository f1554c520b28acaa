import type { AgentEventRepo, AgentEventRow, DeviceEventQuery } from '../agent-events.js';
import type { Scope } from './connection.js';

export class SqliteAgentEvents implements AgentEventRepo {
  constructor(private readonly s: Scope) {}

  insert(e: Omit<AgentEventRow, 'id'>): Promise<void> {
    return this.s.run(() => {
      this.s
        .stmt(
          `INSERT INTO agent_events (agent_id, site_id, ts, type, device_id, camera_id, data, received_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          e.agent_id,
          e.site_id,
          e.ts,
          e.type,
          e.device_id,
          e.camera_id,
          JSON.stringify(e.data),
          e.received_at,
        );
    });
  }

  list(filter: { agent_id?: string; limit?: number } = {}): Promise<AgentEventRow[]> {
    return this.s.run(() => {
      const rows = (
        filter.agent_id
          ? this.s
              .stmt('SELECT * FROM agent_events WHERE agent_id = ? ORDER BY ts DESC, id DESC LIMIT ?')
              .all(filter.agent_id, filter.limit ?? 100)
          : this.s
              .stmt('SELECT * FROM agent_events ORDER BY ts DESC, id DESC LIMIT ?')
              .all(filter.limit ?? 100)
      ) as Raw[];
      return rows.map(parse);
    });
  }

  forDevice(q: DeviceEventQuery): Promise<AgentEventRow[]> {
    return this.s.run(() => {
      const parts = ['device_id = ?'];
      const args: unknown[] = [q.device_id];
      if (q.types?.length) {
        parts.push(`type IN (${q.types.map(() => '?').join(', ')})`);
        args.push(...q.types);
      }
      if (q.before_id !== undefined) {
        // Newest first by (ts, id): the page after an event holds what sorts after it.
        parts.push(
          '(ts < (SELECT ts FROM agent_events WHERE id = ?) OR (ts = (SELECT ts FROM agent_events WHERE id = ?) AND id < ?))',
        );
        args.push(q.before_id, q.before_id, q.before_id);
      }
      const rows = this.s
        .stmt(`SELECT * FROM agent_events WHERE ${parts.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT ?`)
        .all(...args, q.limit ?? 100) as Raw[];
      return rows.map(parse);
    });
  }
}

type Raw = Omit<AgentEventRow, 'data'> & { data: string };

const parse = (r: Raw): AgentEventRow => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> });
