export const ROLLOUT_STATES = ['active', 'paused', 'completed', 'cancelled'] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];

/** A rollout of a release: to one site, then a percentage of the agents, then all (100). Times: epoch ms. */
export interface RolloutRow {
  id: number;
  version: string;
  state: RolloutState;
  /** The site of the first stage (null when the rollout started with a percentage). */
  site_id: number | null;
  /** Agents selected beyond that site: 0 to 100 (100 = all). Only grows. */
  percent: number;
  /** Seconds each agent's new version has to reach the hub before it rolls back by itself. */
  confirm_s: number;
  /** Why it is paused, or how it ended. */
  note: string | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export const ROLLOUT_AGENT_STATES = [
  'pending',
  'installing',
  'upgraded',
  'skipped',
  'failed',
  'rolled_back',
] as const;
export type RolloutAgentState = (typeof ROLLOUT_AGENT_STATES)[number];
/** States an agent does not leave within a rollout. */
export const FINAL_ROLLOUT_AGENT_STATES: readonly RolloutAgentState[] = [
  'upgraded',
  'skipped',
  'failed',
  'rolled_back',
];

/** One agent selected by a rollout, and how far it got. */
export interface RolloutAgentRow {
  rollout_id: number;
  agent_id: string;
  site_id: number;
  /** Its version when it was selected. */
  from_version: string | null;
  state: RolloutAgentState;
  /** The `upgrade` job sent to it. */
  job_id: string | null;
  /** Why it failed or rolled back, in words. */
  detail: string | null;
  /** When it entered its state. */
  since: number;
  updated_at: number;
}

export interface NewRollout {
  version: string;
  site_id: number | null;
  percent: number;
  confirm_s: number;
  created_by: number | null;
}

/** Rollouts and their agents. */
export interface RolloutRepo {
  insert(r: NewRollout, now: number): Promise<RolloutRow>;
  get(id: number): Promise<RolloutRow | undefined>;
  /** Newest first. */
  list(limit: number): Promise<RolloutRow[]>;
  /** The rollout in progress (active or paused), if any: there is at most one. */
  current(): Promise<RolloutRow | undefined>;
  /** Changes only the fields given; undefined when it does not exist. */
  update(
    id: number,
    patch: Partial<Pick<RolloutRow, 'state' | 'site_id' | 'percent' | 'note' | 'finished_at'>>,
    now: number,
  ): Promise<RolloutRow | undefined>;
  /** The agents of a rollout, by agent id. */
  agents(rolloutId: number): Promise<RolloutAgentRow[]>;
  /** Inserts or replaces one agent's row. */
  putAgent(row: RolloutAgentRow): Promise<void>;
  /** Whether any rollout (in any state) names this version. */
  usesVersion(version: string): Promise<boolean>;
}
