import type { CameraConfig } from '@outpost/protocol';
import { takeScheduledSnapshot } from '../../camera/scheduled-snapshot.js';
import { defineTargetKind, type TargetKindFactory } from './types.js';

/** Scheduled camera snapshots (every `snapshot_interval_s`, 0 = off), published on `up/snapshot`. */
export const snapshotTargets: TargetKindFactory = ({ prober, publishSnapshot, now, log }) =>
  defineTargetKind<CameraConfig>({
    name: 'snapshot',
    targets: (config) => (prober?.snapshot ? config.cameras.filter((c) => c.snapshot_interval_s > 0) : []),
    intervalMs: (c) => c.snapshot_interval_s * 1000,
    async run(c) {
      if (prober) await takeScheduledSnapshot(prober, c, publishSnapshot, now, log);
      return null;
    },
  });
