import type { AgentEventRepo, AgentEventRow, DeviceEventQuery } from '../agent-events.js';
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
      ? await this.s.all<Raw>(
          'SELECT * FROM agent_events WHERE agent_id = ? ORDER BY ts DESC, id DESC LIMIT ?',
          filter.agent_id,
          filter.limit ?? 100,
        )
      : await this.s.all<Raw>(
          'SELECT * FROM agent_events ORDER BY ts DESC, id DESC LIMIT ?',
          filter.limit ?? 100,
        );
    return rows.map(parse);
  }

  async forDevice(q: DeviceEventQuery): Promise<AgentEventRow[]> {
    const parts = ['device_id = ?'];
    const args: unknown[] = [q.device_id];
    if (q.types?.length) {
      parts.push(`type IN (${q.types.map(() => '?').join(', ')})`);
      args.push(...q.types);
    }
    if (q.before_id !== undefined) {
      // Newest first by (ts, id): the page after an event holds what sorts after it.
      parts.push('(ts, id) < (SELECT ts, id FROM agent_events WHERE id = ?)');
      args.push(q.before_id);
    }
    const rows = await this.s.all<Raw>(
      `SELECT * FROM agent_events WHERE ${parts.join(' AND ')} ORDER BY ts DESC, id DESC LIMIT ?`,
      ...args,
      q.limit ?? 100,
    );
    return rows.map(parse);
  }
}

type Raw = Omit<AgentEventRow, 'data'> & { data: string };

const parse = (r: Raw): AgentEventRow => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> });
