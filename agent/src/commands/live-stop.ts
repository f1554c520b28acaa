import { defineCommand } from './types.js';

/** `live-stop {camera_id, session_id}`: stops a live session and waits until its ffmpeg is gone. */
export const liveStop = defineCommand({
  type: 'live-stop',
  async run(job, ctx) {
    const live = await ctx.prober?.live?.();
    const stopped = live
      ? await live.stop(job.args.session_id, 'stopped by the hub (no viewer left)')
      : false;
    job.log(
      stopped
        ? `live session ${job.args.session_id} stopped`
        : `live session ${job.args.session_id} was not running`,
    );
    return { session_id: job.args.session_id, stopped };
  },
});
