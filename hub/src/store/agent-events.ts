/** Something an agent reported (an error, a buffer drop, lifecycle, a state change). */
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

export interface AgentEventRepo {
  insert(e: Omit<AgentEventRow, 'id'>): Promise<void>;
  /** Newest first (of one agent when given), at most `limit` (default 100). */
  list(filter?: { agent_id?: string; limit?: number }): Promise<AgentEventRow[]>;
}
