import { createHash } from 'node:crypto';
import { compareReleaseVersions, ReleaseVersion } from '@outpost/protocol';
import type { RolloutAgentRow, RolloutAgentState, RolloutRow } from '../store/rollouts.js';

/** What a rollout needs to know about an agent. */
export interface AgentFacts {
  id: string;
  site_id: number;
  version: string | null;
  status: 'online' | 'offline';
  /** When the agent process last started (from its status). */
  started_at: number | null;
  revoked_at: number | null;
}

/** What a rollout needs to know about an agent's `upgrade` job. */
export interface JobFacts {
  state: string;
  error: string | null;
  finished_at: number | null;
  result: unknown;
}

/** The newest `upgrade_state` event an agent reported about the rollout's version. */
export interface UpgradeEventFacts {
  phase: string;
  reason?: string;
  ts: number;
}

/** Where an agent falls in a rollout's percentages: 0..99, stable for the rollout, spread evenly. */
export function bucket(rolloutId: number, agentId: string): number {
  return createHash('sha256').update(`${rolloutId}:${agentId}`).digest().readUInt32BE(0) % 100;
}

/** Whether the rollout's stages select this agent: its first site, or its bucket under the percentage. */
export function selects(rollout: Pick<RolloutRow, 'id' | 'site_id' | 'percent'>, agent: AgentFacts): boolean {
  if (agent.revoked_at !== null) return false;
  if (rollout.site_id !== null && agent.site_id === rollout.site_id) return true;
  return rollout.percent >= 100 || bucket(rollout.id, agent.id) < rollout.percent;
}

/** The state of an agent the moment a rollout selects it (before any job). */
export function firstState(
  target: string,
  agent: AgentFacts,
): { state: RolloutAgentState; detail: string | null } | null {
  if (agent.version === target) return { state: 'upgraded', detail: 'already runs this version' };
  if (
    agent.version &&
    ReleaseVersion.safeParse(agent.version).success &&
    compareReleaseVersions(agent.version, target) > 0
  )
    return { state: 'skipped', detail: `runs a newer version (${agent.version})` };
  return null;
}

/** Time after an installed version's `confirm_s` before the hub concludes what happened without word. */
export const SETTLE_MS = 120_000;

/**
 * Moves one agent of a rollout along (pure): from the agent's reported version and restarts, its `upgrade`
 * job and the `upgrade_state` events it sent. Undefined when nothing changes.
 */
export function advance(
  row: RolloutAgentRow,
  f: {
    target: string;
    agent: AgentFacts | undefined;
    job: JobFacts | undefined;
    event: UpgradeEventFacts | undefined;
    now: number;
    confirmMs: number;
  },
): { state: RolloutAgentState; detail: string | null; since: number } | undefined {
  const to = (state: RolloutAgentState, detail: string | null, since = f.now) => ({ state, detail, since });
  if (!f.agent) return to('failed', 'the agent was deleted');
  if (f.agent.revoked_at !== null) return to('skipped', 'the agent was revoked');
  if (f.agent.version === f.target) return to('upgraded', null);
  if (f.event?.phase === 'rolled_back')
    return to('rolled_back', f.event.reason ?? 'rolled back by the agent');
  if (f.event?.phase === 'refused') return to('failed', f.event.reason ?? 'the agent refused the release');
  if (row.state === 'pending') {
    const job = f.job;
    if (!job) return row.job_id ? to('failed', `job ${row.job_id} is gone`) : undefined;
    if (job.state === 'succeeded') {
      const already = (job.result as { already_running?: boolean } | null)?.already_running === true;
      return already ? to('upgraded', null) : to('installing', null, job.finished_at ?? f.now);
    }
    if (job.state === 'failed' || job.state === 'timed_out' || job.state === 'cancelled')
      return to('failed', `upgrade job ${job.state}${job.error ? `: ${job.error}` : ''}`);
    return undefined;
  }
  if (row.state === 'installing' && f.now > row.since + f.confirmMs + SETTLE_MS) {
    const restarted = f.agent.started_at !== null && f.agent.started_at > row.since;
    return restarted
      ? to(
          'rolled_back',
          `restarted, still at ${f.agent.version ?? 'an unknown version'}: the new version did not stay`,
        )
      : to('failed', `no word from the agent since it installed ${f.target}`);
  }
  return undefined;
}
