import { defineHandler } from './types.js';

/** `up/result`: a command's progress, log lines and outcome move its job. */
export const resultHandler = defineHandler({
  kind: 'result',
  async handle(link, agentId, message) {
    link.presence.seen(agentId, link.ctx.clock());
    await link.jobs.onResult(agentId, message);
  },
});
