import { defineHandler } from './types.js';

/**
 * `status`: presence and the counters the agent reports (backlog, dropped, config version applied). The first
 * `status` of a connection is answered with the site's config and the agent's pending jobs.
 */
export const statusHandler = defineHandler({
  kind: 'status',
  async handle(deps, agentId, message) {
    if (!(await deps.presence.onStatus(agentId, message))) return;
    deps.configPush
      .pushTo(agentId)
      .catch((err) => deps.logger.error({ err, agent: agentId }, 'config push on connect failed'));
    await deps.jobs.sendPending(agentId);
  },
});
