import { randomBytes } from 'node:crypto';
import { parseCommandArgs, type ResultMessage } from '@outpost/protocol';
import type { Counter } from 'prom-client';
import type { HubEvents } from '../events.js';
import type { Logger } from '../logger.js';
import { FINAL_JOB_STATES, type JobRow, type JobState } from '../store/jobs.js';
import type { HubStore } from '../store/port.js';
import type { Presence } from './presence.js';
import type { Sender } from './sender.js';

/** A job cannot be created or changed as asked (the message says why). */
export class JobError extends Error {
  constructor(
    readonly code: 'invalid_args' | 'no_agent' | 'not_found' | 'final',
    message: string,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

export interface NewJob {
  /** A command type of the protocol (`poll-now`, `camera-test`, `snapshot`, `live-start`, ...). */
  type: string;
  args: Record<string, unknown>;
  site_id: number;
  target_kind?: 'device' | 'camera' | 'site' | null;
  target_id?: number | null;
  /** A given agent; default: the site's online agent seen last (else its most recent one). */
  agent_id?: string;
  /** Seconds the agent may spend on it once started (default 60). */
  timeout_s?: number;
  /** Seconds the job may wait for an offline agent (default: link option jobQueueTimeoutS). */
  queue_timeout_s?: number;
  created_by?: number | null;
}

/** The API representation of a job. */
export function jobView(j: JobRow) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: j.id,
    type: j.type,
    // A live view's push URL holds a one-time token for the agent only: never shown through the API.
    args: j.type === 'live-start' && 'push_url' in j.args ? { ...j.args, push_url: '<secret>' } : j.args,
    target_kind: j.target_kind,
    target_id: j.target_id,
    site_id: j.site_id,
    agent_id: j.agent_id,
    state: j.state,
    progress: j.progress,
    timeout_s: j.timeout_s,
    queue_timeout_s: j.queue_timeout_s,
    created_by: j.created_by,
    created_at: iso(j.created_at) as string,
    sent_at: iso(j.sent_at),
    send_count: j.send_count,
    accepted_at: iso(j.accepted_at),
    started_at: iso(j.started_at),
    finished_at: iso(j.finished_at),
    cancel_requested_at: iso(j.cancel_requested_at),
    result: j.result ?? null,
    error: j.error,
  };
}

const ACTIVE: readonly JobState[] = ['queued', 'sent', 'running'];
/** Seconds after the agent's own timeout before the hub gives up on a silent agent. */
const GRACE_S = 30;

export interface JobDispatcherDeps {
  store: Pick<HubStore, 'jobs' | 'agents' | 'unit'>;
  presence: Pick<Presence, 'isOnline'>;
  sender: Sender;
  events: Pick<HubEvents, 'emit'>;
  logger: Logger;
  clock: () => number;
  /** Jobs reaching a final state, by type and state. */
  finished: Pick<Counter<'type' | 'state'>, 'inc'>;
  /** Default wait for an offline agent before a queued job times out. */
  queueTimeoutS: number;
  /** A sent command without any answer is re-sent this often while its agent is online. */
  resendMs: number;
}

/**
 * Jobs: created in the database (queued), sent as `down/cmd` when their agent is online, re-sent until the
 * agent answers, moved through their states by `up/result`, timed out by the hub when nobody answers.
 */
export class JobDispatcher {
  constructor(private readonly deps: JobDispatcherDeps) {}

  /** Creates a job of any command type and sends it at once when its agent is online. */
  async create(j: NewJob): Promise<JobRow> {
    const parsed = parseCommandArgs({ type: j.type, args: j.args });
    if (!parsed.ok) throw new JobError('invalid_args', parsed.reason);
    const agentId = j.agent_id ?? (await this.#pickAgent(j.site_id));
    if (!agentId) throw new JobError('no_agent', `site ${j.site_id} has no enrolled agent to run the job`);
    const now = this.deps.clock();
    const jobs = this.deps.store.jobs;
    const row = await jobs.insert({
      id: `job_${randomBytes(8).toString('hex')}`,
      type: parsed.type,
      args: parsed.args as Record<string, unknown>,
      target_kind: j.target_kind ?? null,
      target_id: j.target_id ?? null,
      site_id: j.site_id,
      agent_id: agentId,
      timeout_s: j.timeout_s ?? 60,
      queue_timeout_s: j.queue_timeout_s ?? this.deps.queueTimeoutS,
      created_by: j.created_by ?? null,
      now,
    });
    this.#changed(row);
    if (this.deps.presence.isOnline(agentId)) await this.#send(row);
    return (await jobs.get(row.id)) ?? row;
  }

  async #pickAgent(siteId: number): Promise<string | undefined> {
    const agents = (await this.deps.store.agents.list({ site_id: siteId })).filter(
      (a) => a.revoked_at === null,
    );
    agents.sort((a, b) => {
      const online = Number(this.deps.presence.isOnline(b.id)) - Number(this.deps.presence.isOnline(a.id));
      return online !== 0 ? online : (b.last_seen ?? 0) - (a.last_seen ?? 0);
    });
    return agents[0]?.id;
  }

  async #send(job: JobRow): Promise<void> {
    if (!job.agent_id) return;
    const now = this.deps.clock();
    await this.deps.store.jobs.update(
      job.id,
      {
        state: job.state === 'queued' ? 'sent' : job.state,
        sent_at: now,
        send_count: job.send_count + 1,
        updated_at: now,
      },
      ['queued', 'sent'],
    );
    const agentId = job.agent_id;
    this.deps.sender
      .send('command', agentId, {
        v: 1,
        id: job.id,
        type: job.type,
        args: job.args,
        issued_at: job.created_at,
        timeout_s: job.timeout_s,
      })
      .catch((err) =>
        this.deps.logger.error({ err, job: job.id, agent: agentId }, 'sending a command failed'),
      );
    if (job.state === 'queued') this.#changed(await this.deps.store.jobs.get(job.id));
  }

  /** Sends every job of this agent still waiting for an answer (on its connection). */
  async sendPending(agentId: string): Promise<void> {
    for (const job of await this.deps.store.jobs.pendingFor(agentId)) {
      if (job.accepted_at === null) await this.#send(job);
    }
  }

  /** Applies an agent's `up/result`. Results for unknown jobs, other agents' jobs or finished jobs are ignored. */
  async onResult(agentId: string, msg: ResultMessage): Promise<void> {
    const store = this.deps.store.jobs;
    const job = await store.get(msg.id);
    if (!job || job.agent_id !== agentId) {
      this.deps.logger.debug({ agent: agentId, job: msg.id }, 'result for an unknown job ignored');
      return;
    }
    if (FINAL_JOB_STATES.includes(job.state)) return;
    const now = this.deps.clock();
    const patch: Parameters<typeof store.update>[1] = {
      updated_at: now,
      accepted_at: job.accepted_at ?? now,
    };
    if (msg.progress !== undefined) patch.progress = msg.progress;
    if (msg.state === 'running') {
      patch.state = 'running';
      patch.started_at = job.started_at ?? now;
    } else if (msg.state !== 'accepted') {
      patch.state = msg.state;
      patch.finished_at = now;
      if (msg.result !== undefined) patch.result = msg.result;
      if (msg.error !== undefined) patch.error = msg.error;
      if (msg.state === 'succeeded') patch.progress = 100;
    }
    const logs = msg.logs.map((l) => ({ ts: l.ts, level: l.level, line: l.line }));
    await this.deps.store.unit(async (tx) => {
      await tx.jobs.update(job.id, patch, ACTIVE);
      await tx.jobs.addLogs(job.id, logs);
    });
    if (msg.result !== undefined)
      this.deps.events.emit('job.result', {
        job_id: job.id,
        type: job.type,
        site_id: job.site_id,
        result: msg.result,
      });
    const after = await store.get(job.id);
    if (after && FINAL_JOB_STATES.includes(after.state))
      this.deps.finished.inc({ type: after.type, state: after.state });
    this.#changed(after, logs);
  }

  /** Cancels a job: at once when it was not sent yet, else by sending `cancel` to its agent. */
  async cancel(jobId: string): Promise<JobRow> {
    const store = this.deps.store.jobs;
    const job = await store.get(jobId);
    if (!job) throw new JobError('not_found', `job ${jobId} not found`);
    if (FINAL_JOB_STATES.includes(job.state))
      throw new JobError('final', `job ${jobId} is already ${job.state}`);
    const now = this.deps.clock();
    if (
      job.state === 'queued' ||
      (job.state === 'sent' && !this.deps.presence.isOnline(job.agent_id ?? ''))
    ) {
      await store.update(
        jobId,
        { state: 'cancelled', finished_at: now, cancel_requested_at: now, updated_at: now },
        ['queued', 'sent'],
      );
    } else {
      await store.update(jobId, { cancel_requested_at: now, updated_at: now }, ACTIVE);
      if (job.agent_id) {
        const agentId = job.agent_id;
        this.deps.sender
          .send('command', agentId, {
            v: 1,
            id: `${job.id}-cancel`,
            type: 'cancel',
            args: { command_id: job.id },
            issued_at: now,
            timeout_s: 30,
          })
          .catch((err) => this.deps.logger.error({ err, job: job.id }, 'sending cancel failed'));
      }
    }
    const after = (await store.get(jobId)) as JobRow;
    this.#changed(after);
    return after;
  }

  /** Times out jobs nobody ran and re-sends commands the online agent has not answered. */
  async sweep(now: number): Promise<void> {
    for (const job of await this.deps.store.jobs.active()) {
      if (job.state === 'queued' && now > job.created_at + job.queue_timeout_s * 1000) {
        await this.#finish(job, 'timed_out', 'the agent did not come online before the job timed out', now);
      } else if (
        job.sent_at !== null &&
        job.state !== 'queued' &&
        now > job.sent_at + (job.timeout_s + GRACE_S) * 1000 &&
        job.accepted_at !== null
      ) {
        await this.#finish(
          job,
          job.cancel_requested_at ? 'cancelled' : 'timed_out',
          'the agent did not report an outcome in time',
          now,
        );
      } else if (job.state === 'sent' && job.accepted_at === null) {
        if (now > job.created_at + (job.queue_timeout_s + job.timeout_s) * 1000) {
          await this.#finish(job, 'timed_out', 'the agent never acknowledged the command', now);
        } else if (
          job.agent_id &&
          this.deps.presence.isOnline(job.agent_id) &&
          now - (job.sent_at ?? 0) >= this.deps.resendMs
        ) {
          await this.#send(job);
        }
      }
    }
  }

  async #finish(job: JobRow, state: JobState, error: string, now: number): Promise<void> {
    const jobs = this.deps.store.jobs;
    if (await jobs.update(job.id, { state, error, finished_at: now, updated_at: now }, ACTIVE)) {
      this.deps.finished.inc({ type: job.type, state });
      this.#changed(await jobs.get(job.id));
    }
  }

  #changed(job: JobRow | undefined, logs?: { ts: number; level: string; line: string }[]): void {
    if (!job) return;
    this.deps.events.emit('job.changed', { job: jobView(job), ...(logs?.length ? { logs } : {}) });
  }
}
