import type { NewJob } from '../link/jobs.js';
import type { Logger } from '../logger.js';
import type { Repositories } from '../store/port.js';
import { FINAL_ROLLOUT_AGENT_STATES, type RolloutAgentRow, type RolloutRow } from '../store/rollouts.js';
import {
  type AgentFacts,
  advance,
  firstState,
  type JobFacts,
  selects,
  type UpgradeEventFacts,
} from './plan.js';

export interface RolloutEngineDeps {
  store: Pick<Repositories, 'rollouts' | 'releases'>;
  /** Every agent, with what a rollout needs to know. */
  agents(): Promise<AgentFacts[]>;
  job(id: string): Promise<JobFacts | undefined>;
  createJob(job: NewJob): Promise<{ id: string }>;
  now(): number;
  log: Logger;
  /** Seconds an upgrade job waits for its offline agent. */
  queueTimeoutS: number;
  /** Something about this rollout changed (for live views). */
  changed(rollout: RolloutRow): void;
}

/** Path of a release's bundle, relative to the hub URL agents know (see the agent-releases routes). */
export function releaseDownloadPath(version: string): string {
  return `/api/v1/agent-releases/${version}/download`;
}

/** Seconds an agent has to download, check and install a bundle once it has the command. */
const INSTALL_TIMEOUT_S = 900;

/**
 * Drives the rollout in progress: selects agents as its stages widen, sends each an `upgrade` job, follows
 * them to upgraded, failed or rolled back, pauses the rollout at the first failure, and completes it when every
 * agent of its last stage is done. All its state is in the store; `tick` may run on any hub.
 */
export class RolloutEngine {
  /** The newest `upgrade_state` event per agent, for the version it names. */
  readonly #events = new Map<string, UpgradeEventFacts & { version: string }>();
  #running: Promise<void> | null = null;
  #again = false;

  constructor(private readonly d: RolloutEngineDeps) {}

  /** An agent reported an upgrade step (from its batches). */
  onUpgradeEvent(agentId: string, e: { phase: string; version: string; reason?: string; ts: number }): void {
    const previous = this.#events.get(agentId);
    if (!previous || previous.ts <= e.ts) this.#events.set(agentId, e);
  }

  /** Runs one pass now (or right after the one running). */
  tick(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#pass();
        } while (this.#again);
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }

  async #pass(): Promise<void> {
    const { store } = this.d;
    const rollout = await store.rollouts.current();
    if (!rollout) return;
    const now = this.d.now();
    const release = await store.releases.get(rollout.version);
    if (!release) {
      const ended = await store.rollouts.update(
        rollout.id,
        { state: 'cancelled', note: `release ${rollout.version} was deleted`, finished_at: now },
        now,
      );
      if (ended) this.d.changed(ended);
      return;
    }
    const agents = new Map((await this.d.agents()).map((a) => [a.id, a] as const));
    const rows = new Map((await store.rollouts.agents(rollout.id)).map((r) => [r.agent_id, r] as const));
    const problems: RolloutAgentRow[] = [];
    let changed = false;
    const put = async (row: RolloutAgentRow) => {
      await store.rollouts.putAgent(row);
      rows.set(row.agent_id, row);
      changed = true;
      if (row.state === 'failed' || row.state === 'rolled_back') problems.push(row);
    };

    for (const row of rows.values()) {
      if (FINAL_ROLLOUT_AGENT_STATES.includes(row.state)) continue;
      const event = this.#events.get(row.agent_id);
      const next = advance(row, {
        target: rollout.version,
        agent: agents.get(row.agent_id),
        job: row.job_id ? await this.d.job(row.job_id) : undefined,
        event:
          event && event.version === rollout.version && event.ts >= row.since - 60_000 ? event : undefined,
        now,
        confirmMs: rollout.confirm_s * 1000,
      });
      if (next) await put({ ...row, ...next, updated_at: now });
    }

    if (rollout.state === 'active') {
      const signed = JSON.parse(release.signed) as Record<string, unknown>;
      for (const agent of agents.values()) {
        if (rows.has(agent.id) || !selects(rollout, agent)) continue;
        const base = {
          rollout_id: rollout.id,
          agent_id: agent.id,
          site_id: agent.site_id,
          from_version: agent.version,
          since: now,
          updated_at: now,
        };
        const first = firstState(rollout.version, agent);
        if (first) {
          await put({ ...base, ...first, job_id: null });
          continue;
        }
        try {
          const job = await this.d.createJob({
            type: 'upgrade',
            args: {
              version: rollout.version,
              path: releaseDownloadPath(rollout.version),
              release: signed,
              confirm_s: rollout.confirm_s,
            },
            site_id: agent.site_id,
            agent_id: agent.id,
            timeout_s: INSTALL_TIMEOUT_S,
            queue_timeout_s: this.d.queueTimeoutS,
            created_by: rollout.created_by,
          });
          await put({ ...base, state: 'pending', job_id: job.id, detail: null });
        } catch (err) {
          await put({
            ...base,
            state: 'failed',
            job_id: null,
            detail: `cannot send the upgrade: ${(err as Error).message}`,
          });
        }
      }
    }

    let after: RolloutRow | undefined;
    if (rollout.state === 'active' && problems.length > 0) {
      const first = problems[0] as RolloutAgentRow;
      const note =
        `paused: agent ${first.agent_id} ${first.state === 'failed' ? 'failed' : 'rolled back'}: ${first.detail ?? ''}`.slice(
          0,
          1000,
        );
      after = await store.rollouts.update(rollout.id, { state: 'paused', note }, now);
      this.d.log.warn(
        { rollout: rollout.id, agent: first.agent_id, state: first.state, detail: first.detail },
        'rollout paused',
      );
    } else if (
      rollout.state === 'active' &&
      rollout.percent >= 100 &&
      [...rows.values()].every((r) => FINAL_ROLLOUT_AGENT_STATES.includes(r.state))
    ) {
      const upgraded = [...rows.values()].filter((r) => r.state === 'upgraded').length;
      after = await store.rollouts.update(
        rollout.id,
        {
          state: 'completed',
          note: `${upgraded} of ${rows.size} agents run ${rollout.version}`,
          finished_at: now,
        },
        now,
      );
      this.d.log.info({ rollout: rollout.id, version: rollout.version, upgraded }, 'rollout completed');
    }
    if (after) this.d.changed(after);
    else if (changed) this.d.changed(rollout);
  }
}
