import { defineCommand } from './types.js';

/** `cancel {command_id}`: stops a running command, which then reports `cancelled`. */
export const cancel = defineCommand({
  type: 'cancel',
  async run(job, ctx) {
    const cancelled = ctx.cancel(job.args.command_id);
    job.log(cancelled ? `cancelled ${job.args.command_id}` : `${job.args.command_id} is not running`);
    return { command_id: job.args.command_id, cancelled };
  },
});
