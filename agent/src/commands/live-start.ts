import { awaitTarget } from './await-target.js';
import { resolvePushUrl } from './push-url.js';
import { CommandError, defineCommand } from './types.js';

/**
 * `live-start {camera_id, session_id, format, push_url}`: opens the camera with ffmpeg (`-c copy` to fragmented
 * MP4, or MJPEG) and pushes it outbound over a WebSocket to the hub: only the hub it enrolled with (a push URL
 * elsewhere is refused before the camera is opened). The job succeeds once the stream is
 * flowing; the session then runs until `live-stop`, the hub closing the push socket, or the camera ending.
 */
export const liveStart = defineCommand({
  type: 'live-start',
  async run(job, ctx) {
    const camera = await awaitTarget(
      ctx,
      job,
      () => ctx.camera(job.args.camera_id),
      `camera ${job.args.camera_id}`,
    );
    if (!camera)
      throw new CommandError('not_found', `camera ${job.args.camera_id} is not in this agent's config`);
    const push = resolvePushUrl(job.args.push_url, ctx.hubUrl);
    if (!push.ok) throw new CommandError('push_url_refused', push.reason);
    const live = await ctx.prober?.live?.();
    if (!live) throw new CommandError('unsupported', 'live view is not available on this agent');
    try {
      return await live.start({
        camera,
        sessionId: job.args.session_id,
        format: job.args.format,
        pushUrl: push.url,
        log: (level, line) => {
          job.log(line, level);
          ctx.log[level]({ camera_id: camera.id, session: job.args.session_id }, line);
        },
      });
    } catch (err) {
      throw new CommandError('live_failed', (err as Error).message);
    }
  },
});
