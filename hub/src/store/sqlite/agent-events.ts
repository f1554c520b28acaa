import type { AgentEventRepo, AgentEventRow } from '../agent-events.js';
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
      ) as (Omit<AgentEventRow, 'data'> & { data: string })[];
      return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
    });
  }
}
