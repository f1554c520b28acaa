/** The latest topology facts of a device, or of an agent's own network (JSON of the protocol events). */
export interface TopologyFactsRow {
  key: string;
  ts: number;
  facts: string;
}

export type DependencyKind = 'device' | 'camera';

/** An upstream parent inferred from a site's graph. `parent_id` null: right at the agent's port. */
export interface InferredParentRow {
  target_kind: DependencyKind;
  target_id: number;
  site_id: number;
  parent_id: number | null;
  /** JSON: `{evidence: string[], path: string[]}`. */
  evidence: string;
  pinned: number;
  inferred_at: number;
}

export interface DiscoveryScheduleRow {
  site_id: number;
  /** JSON of the discover args. */
  args: string;
  interval_s: number;
  next_run_at: number;
  last_job_id: string | null;
  updated_at: number;
}

export interface TopologyRepo {
  /** Keeps a device's facts when newer than what is stored; false when older (a late batch). */
  saveDevice(deviceId: number, ts: number, facts: string): Promise<boolean>;
  saveAgent(agentId: string, ts: number, facts: string): Promise<boolean>;
  /** The facts of a site's devices (by device id) and agents (by agent id). */
  forSite(siteId: number): Promise<{ devices: TopologyFactsRow[]; agents: TopologyFactsRow[] }>;
  /**
   * Replaces a site's inferred parents with `rows`, except pinned ones, which keep their parent (their
   * evidence is refreshed). Rows of targets no longer inferred are removed unless pinned.
   */
  replaceInferred(
    siteId: number,
    rows: readonly Omit<InferredParentRow, 'pinned' | 'site_id'>[],
    now: number,
  ): Promise<void>;
  /** Every inferred parent, or a site's. */
  inferred(siteId?: number): Promise<InferredParentRow[]>;
  /** Pins (or unpins) an inferred parent: a pinned one keeps its parent whatever later inference says. */
  pin(kind: DependencyKind, targetId: number, pinned: boolean): Promise<InferredParentRow | undefined>;
  forget(kind: DependencyKind, targetId: number): Promise<void>;
  schedule(siteId: number): Promise<DiscoveryScheduleRow | undefined>;
  schedules(): Promise<DiscoveryScheduleRow[]>;
  setSchedule(row: DiscoveryScheduleRow | { site_id: number; delete: true }): Promise<void>;
}
