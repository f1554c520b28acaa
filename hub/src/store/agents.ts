import type { SiteFilter } from './tenancy.js';

/** An agent as stored (without its secret hash). */
export interface AgentRow {
  id: string;
  site_id: number;
  hostname: string | null;
  version: string | null;
  status: 'online' | 'offline';
  status_reason: string | null;
  last_seen: number | null;
  started_at: number | null;
  config_version_applied: number | null;
  backlog: number;
  dropped: number;
  invalid_payloads: number;
  refused_items: number;
  revoked_at: number | null;
  created_at: number;
}

export interface NewAgent {
  id: string;
  site_id: number;
  hostname: string | null;
  version: string | null;
  /** SHA-256 of the secret (hex); the secret itself is never stored. */
  secret_hash: string;
  created_at: number;
  /** The enrollment token used. */
  enrolled_with?: number | null;
}

/** Presence and counters reported by the agent's `status` (fields absent keep their stored value). */
export interface AgentStatusUpdate {
  status: 'online' | 'offline';
  reason?: string | null;
  version?: string;
  hostname?: string;
  started_at?: number;
  config_version_applied?: number | null;
  backlog?: number;
  dropped?: number;
  last_seen: number;
}

/** Enrolled agents. */
export interface AgentRepo {
  get(id: string): Promise<AgentRow | undefined>;
  /** The agent with its secret hash, for checking credentials. */
  withSecret(id: string): Promise<(AgentRow & { secret_hash: string }) | undefined>;
  /** By id. */
  list(filter?: { site_id?: SiteFilter; status?: string }): Promise<AgentRow[]>;
  /** Rejects with StoreError `conflict` when the id exists, `reference` when the site does not. */
  create(a: NewAgent): Promise<AgentRow>;
  updateStatus(id: string, u: AgentStatusUpdate): Promise<void>;
  /** Records traffic from the agent at `ts`. */
  touch(id: string, ts: number): Promise<void>;
  addInvalidPayloads(id: string, n: number): Promise<void>;
  addRefusedItems(id: string, n: number): Promise<void>;
  /** Marks the agent revoked (and offline); false when it was unknown or already revoked. */
  revoke(id: string, ts: number): Promise<boolean>;
  /** The sites that have at least one agent not revoked. */
  activeSites(): Promise<number[]>;
}
