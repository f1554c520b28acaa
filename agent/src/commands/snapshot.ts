import type { CameraSnapshot } from '../camera/index.js';
import { awaitTarget } from './await-target.js';
import { CommandError, defineCommand } from './types.js';

/**
 * `snapshot {camera_id}`: takes one JPEG frame with ffmpeg and publishes it on `up/snapshot` tagged with the
 * job id; the result gives its size. Credentials never reach the job log.
 */
export const snapshot = defineCommand({
  type: 'snapshot',
  async run(job, ctx) {
    const camera = await awaitTarget(
      ctx,
      job,
      () => ctx.camera(job.args.camera_id),
      `camera ${job.args.camera_id}`,
    );
    if (!camera)
      throw new CommandError('not_found', `camera ${job.args.camera_id} is not in this agent's config`);
    if (!ctx.prober?.snapshot)
      throw new CommandError('unsupported', 'snapshots are not available on this agent');
    let shot: CameraSnapshot;
    try {
      shot = (await ctx.prober.snapshot(camera, {
        signal: job.signal,
        log: (level, line) => job.log(line, level === 'debug' ? 'info' : level),
      })) as CameraSnapshot;
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'failed';
      throw new CommandError(code, (err as Error).message);
    }
    const ts = Date.now();
    await ctx.publishSnapshot({
      v: 1,
      camera_id: camera.id,
      ts,
      content_type: 'image/jpeg',
      width: shot.width,
      height: shot.height,
      job_id: job.id,
      image: shot.image,
    });
    job.log(`published ${shot.width}x${shot.height} JPEG (${shot.image.length} bytes)`);
    return { camera_id: camera.id, width: shot.width, height: shot.height, bytes: shot.image.length, ts };
  },
});
