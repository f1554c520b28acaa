import type { JobDispatcher } from '../link/jobs.js';
import { RolloutEngine } from '../rollouts/engine.js';
import type { Service } from './types.js';

/** How often the rollout in progress is looked at when nothing else wakes it. */
const TICK_MS = 5_000;

/** Fleet upgrades: drives the rollout in progress (hub/README.md, "Fleet upgrades") through the link's jobs. */
export const rolloutsService = (jobs: Pick<JobDispatcher, 'create'>): Service => ({
  name: 'rollouts',
  singleton: true,
  async start(ctx) {
    const engine = new RolloutEngine({
      store: ctx.store,
      agents: async () =>
        (await ctx.store.agents.list()).map((a) => ({
          id: a.id,
          site_id: a.site_id,
          version: a.version,
          status: a.status,
          started_at: a.started_at,
          revoked_at: a.revoked_at,
        })),
      job: (id) => ctx.store.jobs.get(id),
      createJob: (job) => jobs.create(job),
      now: ctx.clock,
      log: ctx.logger.child({ part: 'rollouts' }),
      queueTimeoutS: ctx.config.rolloutQueueTimeoutS,
      changed: (r) => ctx.events.emit('rollout.changed', { rollout_id: r.id, by: 'engine' }),
    });
    let scheduled = false;
    const wake = () => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        engine.tick().catch((err: unknown) => ctx.logger.error({ err }, 'rollout pass failed'));
      }, 50).unref();
    };
    const offs = [
      ctx.events.on('rollout.changed', (e) => {
        if (e.by === 'api') wake();
      }),
      ctx.events.on('agent.event', (e) => {
        if (e.event.type !== 'upgrade_state') return;
        const ev = e.event as unknown as { phase: string; version: string; reason?: string; ts: number };
        engine.onUpgradeEvent(e.agent_id, ev);
        wake();
      }),
      ctx.events.on('agent.status', wake),
      ctx.events.on('job.changed', (e) => {
        if (e.job.type === 'upgrade') wake();
      }),
    ];
    const timer = setInterval(wake, TICK_MS);
    timer.unref();
    wake();
    return {
      async stop() {
        clearInterval(timer);
        for (const off of offs) off();
        await engine.tick().catch(() => {});
      },
    };
  },
});
