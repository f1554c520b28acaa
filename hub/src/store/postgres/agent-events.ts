import type { AgentEventRepo, AgentEventRow } from '../agent-events.js';
import type { Scope } from './connection.js';

export class PgAgentEvents implements AgentEventRepo {
  constructor(private readonly s: Scope) {}

  async insert(e: Omit<AgentEventRow, 'id'>): Promise<void> {
    await this.s.run(
      `INSERT INTO agent_events (agent_id, site_id, ts, type, device_id, camera_id, data, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      e.agent_id,
      e.site_id,
      e.ts,
      e.type,
      e.device_id,
      e.camera_id,
      JSON.stringify(e.data),
      e.received_at,
    );
  }

  async list(filter: { agent_id?: string; limit?: number } = {}): Promise<AgentEventRow[]> {
    const rows = filter.agent_id
      ? await this.s.all<Omit<AgentEventRow, 'data'> & { data: string }>(
          'SELECT * FROM agent_events WHERE agent_id = ? ORDER BY ts DESC, id DESC LIMIT ?',
          filter.agent_id,
          filter.limit ?? 100,
        )
      : await this.s.all<Omit<AgentEventRow, 'data'> & { data: string }>(
          'SELECT * FROM agent_events ORDER BY ts DESC, id DESC LIMIT ?',
          filter.limit ?? 100,
        );
    return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
  }
}
