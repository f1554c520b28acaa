import { defineHandler } from './types.js';

/** `up/result`: a command's progress, log lines and outcome move its job. */
export const resultHandler = defineHandler({
  kind: 'result',
  async handle(deps, agentId, message) {
    deps.presence.seen(agentId, deps.clock());
    await deps.jobs.onResult(agentId, message);
  },
});
