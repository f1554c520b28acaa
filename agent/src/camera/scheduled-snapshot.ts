import type { CameraConfig, MessageInputs } from '@outpost/protocol';

interface SnapshotTaker {
  snapshot?(camera: CameraConfig): Promise<unknown>;
}

interface Log {
  debug(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

/**
 * Takes one scheduled snapshot and publishes it on `up/snapshot`. Never throws: a camera that gives no frame is
 * logged (its probe reports the state), and the next interval tries again.
 */
export async function takeScheduledSnapshot(
  prober: SnapshotTaker,
  camera: CameraConfig,
  publish: (s: MessageInputs['snapshot']) => Promise<void>,
  now: () => number,
  log: Log,
): Promise<void> {
  if (!prober.snapshot) return;
  try {
    const shot = (await prober.snapshot(camera)) as { image: Uint8Array; width: number; height: number };
    await publish({
      v: 1,
      camera_id: camera.id,
      ts: now(),
      content_type: 'image/jpeg',
      width: shot.width,
      height: shot.height,
      image: shot.image,
    });
    log.debug({ camera_id: camera.id, bytes: shot.image.length }, 'scheduled snapshot published');
  } catch (err) {
    log.warn({ camera_id: camera.id, err: (err as Error).message }, 'scheduled snapshot failed');
  }
}
