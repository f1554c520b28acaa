import type { AgentNetworkEventMessage, DiscoverArgsInput, TopologyEventMessage } from '@outpost/protocol';
import type { HubContext } from '../context.js';
import type { Onboarding } from '../onboarding/onboarding.js';
import type { Service } from './types.js';

/**
 * Discovery and topology: stores the hosts discover jobs report, keeps each device's topology facts and each
 * agent's network from their events, rebuilds a site's graph and inferred parents when they or its inventory
 * change. Scheduled discoveries start from services/discovery-schedules.ts (one hub at a time).
 */
export const onboardingService = (o: Onboarding): Service => ({
  name: 'onboarding',
  async start(ctx) {
    const log = ctx.logger.child({ component: 'onboarding' });
    const fail = (what: string) => (err: unknown) => log.error({ err }, `${what} failed`);
    const off = [
      // Local events only: the hub that received a result or a change does this work, once.
      ctx.events.on(
        'job.result',
        (e) => {
          if (e.type === 'discover')
            o.discovery
              .onResult({ id: e.job_id, site_id: e.site_id }, e.result)
              .catch(fail('storing discovered hosts'));
        },
        { local: true },
      ),
      ctx.events.on(
        'agent.event',
        (e) => {
          const ev = e.event as { type: string };
          if (ev.type === 'topology')
            o.topology
              .recordDevice(e.site_id, ev as TopologyEventMessage)
              .catch(fail('storing topology facts'));
          else if (ev.type === 'agent_network')
            o.topology
              .recordAgent(e.site_id, e.agent_id, ev as AgentNetworkEventMessage)
              .catch(fail("storing an agent's network"));
        },
        { local: true },
      ),
      ctx.events.on(
        'inventory.changed',
        (e) => {
          if (e.kind !== 'site') o.topology.schedule(e.site_id);
        },
        { local: true },
      ),
    ];
    return {
      async stop() {
        for (const f of off) f();
        o.topology.close();
      },
    };
  },
});

/** Starts the discoveries whose schedule is due; a site whose sweep cannot start now is tried next period. */
export async function runDueSchedules(ctx: HubContext, o: Onboarding): Promise<number> {
  const now = ctx.clock();
  let started = 0;
  for (const s of await ctx.store.topology.schedules()) {
    if (s.next_run_at > now) continue;
    let jobId = s.last_job_id;
    try {
      jobId = (await o.discovery.discover(s.site_id, JSON.parse(s.args) as DiscoverArgsInput, null)).id;
      started++;
    } catch (err) {
      ctx.logger.warn({ err, site_id: s.site_id }, 'a scheduled discovery could not start');
    }
    await ctx.store.topology.setSchedule({
      ...s,
      next_run_at: now + s.interval_s * 1000,
      last_job_id: jobId,
      updated_at: now,
    });
  }
  return started;
}
