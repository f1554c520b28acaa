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

/** Which events of a device to read: of some types, before an event id (the next page), at most `limit`. */
export interface DeviceEventQuery {
  device_id: number;
  types?: readonly string[];
  /** Only events older than this one (newest first: the id of the last event of the previous page). */
  before_id?: number;
  limit?: number;
}

export interface AgentEventRepo {
  insert(e: Omit<AgentEventRow, 'id'>): Promise<void>;
  /** Newest first (of one agent when given), at most `limit` (default 100). */
  list(filter?: { agent_id?: string; limit?: number }): Promise<AgentEventRow[]>;
  /** A device's events, newest first (by time, then id), at most `limit` (default 100). */
  forDevice(q: DeviceEventQuery): Promise<AgentEventRow[]>;
}
