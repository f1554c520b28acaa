import type { CameraConfig } from '@outpost/protocol';
import { defineTargetKind, eventStatus, type TargetKindFactory } from './types.js';

/** RTSP cameras, probed every `probe_interval_s`. */
export const cameraTargets: TargetKindFactory = ({ prober }) =>
  defineTargetKind<CameraConfig>({
    name: 'camera',
    targets: (config) => (prober ? config.cameras : []),
    intervalMs: (c) => c.probe_interval_s * 1000,
    async run(c: CameraConfig, opts) {
      if (!prober) throw new Error('camera probing is not available on this agent');
      return prober.probe(c, opts);
    },
    tracked: {
      list: 'cameras',
      describe: (c) => ({
        id: c.id,
        name: c.name,
        address: c.rtsp_url,
        interval_s: c.probe_interval_s,
      }),
      status: (o) =>
        eventStatus(o, 'camera_state', (e) => {
          const s = e.stream as { codec?: string; width?: number; height?: number } | undefined;
          return s?.codec ? `${s.codec}${s.width ? ` ${s.width}x${s.height}` : ''}` : undefined;
        }),
    },
    forget: (id) => prober?.forget?.(id),
    close: () => prober?.close?.(),
    unavailable: (config) =>
      !prober && config.cameras.length > 0
        ? `${config.cameras.length} cameras configured but no camera prober is available`
        : null,
  });
