import type { Db } from './db.js';

export interface AgentEventRow {
  id: number;
  agent_id: string;
  site_id: number;
  ts: number;
  type: string;
  device_id: number | null;
  camera_id: number | null;
  data: Record<string, unknown>;
  received_at: number;
}

/** Events reported by agents (errors, buffer drops, lifecycle, state changes). */
export class AgentEventStore {
  readonly #insert;

  constructor(private readonly db: Db) {
    this.#insert = db.prepare(
      `INSERT INTO agent_events (agent_id, site_id, ts, type, device_id, camera_id, data, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  insert(e: Omit<AgentEventRow, 'id'>): void {
    this.#insert.run(
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

  list(filter: { agent_id?: string; limit?: number } = {}): AgentEventRow[] {
    const rows = (
      filter.agent_id
        ? this.db
            .prepare('SELECT * FROM agent_events WHERE agent_id = ? ORDER BY ts DESC, id DESC LIMIT ?')
            .all(filter.agent_id, filter.limit ?? 100)
        : this.db
            .prepare('SELECT * FROM agent_events ORDER BY ts DESC, id DESC LIMIT ?')
            .all(filter.limit ?? 100)
    ) as (Omit<AgentEventRow, 'data'> & { data: string })[];
    return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
  }
}
