import type { KnownEvent } from '@outpost/protocol';
import { awaitTarget } from './await-target.js';
import { CommandError, defineCommand } from './types.js';

type CameraStateEvent = Extract<KnownEvent, { type: 'camera_state' }>;

/**
 * `camera-test {camera_id}`: probes the camera now (RTSP, SDP, a short ffprobe sample). Each step becomes a job
 * log line with credentials redacted; the result is the camera's state, stream facts and measurements. The
 * state also goes to the hub as a `camera_state` event like a scheduled probe's.
 */
export const cameraTest = defineCommand({
  type: 'camera-test',
  async run(job, ctx) {
    const camera = await awaitTarget(
      ctx,
      job,
      () => ctx.camera(job.args.camera_id),
      `camera ${job.args.camera_id}`,
    );
    if (!camera)
      throw new CommandError('not_found', `camera ${job.args.camera_id} is not in this agent's config`);
    if (!ctx.prober) throw new CommandError('unsupported', 'camera probing is not available on this agent');
    job.log(`testing ${camera.name}`);
    const outcome = await ctx.probeCamera(camera, {
      signal: job.signal,
      log: (level, line) => job.log(line, level === 'debug' ? 'info' : level),
    });
    const state = outcome.events.find((e) => e.type === 'camera_state') as CameraStateEvent | undefined;
    if (!state) throw new CommandError('no_state', 'the probe produced no camera state');
    return {
      camera_id: camera.id,
      status: state.status,
      ...(state.reason ? { reason: state.reason } : {}),
      ...(state.stream ? { stream: state.stream } : {}),
      samples: Object.fromEntries(outcome.samples.map((s) => [s.metric, s.value])),
    };
  },
});
