import { defineHandler } from './types.js';

/** `status`: presence and the counters the agent reports (backlog, dropped, config version applied). */
export const statusHandler = defineHandler({
  kind: 'status',
  handle(link, agentId, message) {
    return link.presence.onStatus(agentId, message);
  },
});
