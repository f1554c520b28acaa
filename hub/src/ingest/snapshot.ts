import type { IngestHandler } from './types.js';

/**
 * `up/snapshot`: a camera JPEG from an agent. Stored (last N per camera) only when the camera belongs to the
 * agent's site; `cameras.last_snapshot_at` follows. Anything else is counted and logged, never stored.
 */
export const snapshotHandler: IngestHandler<'snapshot'> = {
  kind: 'snapshot',
  async handle(deps, agentId, message) {
    const { store, logger } = deps;
    const now = deps.clock();
    deps.presence.seen(agentId, now);
    const site = await deps.sites.siteOf(agentId);
    const cameraSite = await store.cameras.siteOf(message.camera_id);
    if (site === undefined || cameraSite === undefined || cameraSite !== site) {
      logger.warn(
        { agent: agentId, camera_id: message.camera_id, site },
        cameraSite !== undefined
          ? 'snapshot for a camera of another site refused'
          : 'snapshot for an unknown camera refused',
      );
      return;
    }
    const id = await store.snapshots.add(
      {
        camera_id: message.camera_id,
        ts: message.ts,
        received_at: now,
        agent_id: agentId,
        job_id: message.job_id ?? null,
        width: message.width ?? null,
        height: message.height ?? null,
        image: message.image,
      },
      deps.snapshotsKeep,
    );
    logger.debug(
      { agent: agentId, camera_id: message.camera_id, snapshot: id, bytes: message.image.length },
      'snapshot stored',
    );
  },
};
