import { awaitTarget } from './await-target.js';
import { CommandError, defineCommand } from './types.js';

/** `poll-now {device_id}`: polls the device at once; samples go to the hub as usual, a summary as the result. */
export const pollNow = defineCommand({
  type: 'poll-now',
  async run(job, ctx) {
    const device = await awaitTarget(
      ctx,
      job,
      () => ctx.device(job.args.device_id),
      `device ${job.args.device_id}`,
    );
    if (!device)
      throw new CommandError('not_found', `device ${job.args.device_id} is not in this agent's config`);
    job.log(`polling ${device.name} (${device.ip_address})`);
    const outcome = await ctx.pollDevice(device);
    const state = outcome.events.find((e) => e.type === 'device_state');
    const status = state && 'status' in state ? state.status : 'unknown';
    const error = state && 'error' in state ? state.error : undefined;
    job.log(
      `status ${status}${error ? `: ${error}` : ''}, ${outcome.samples.length} samples`,
      error ? 'warn' : 'info',
    );
    return {
      device_id: device.id,
      status,
      ...(error ? { error } : {}),
      ...(state && 'sys' in state && state.sys ? { sys: state.sys } : {}),
      samples: outcome.samples.length,
      events: outcome.events.length,
    };
  },
});
