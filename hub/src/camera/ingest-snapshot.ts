import type { IngestHandler } from '../ingest/types.js';

/**
 * `up/snapshot`: a camera JPEG from an agent. Stored (last N per camera) only when the camera belongs to the
 * agent's site; `cameras.last_snapshot_at` follows. Anything else is counted and logged, never stored.
 */
export const snapshotHandler: IngestHandler<'snapshot'> = {
  kind: 'snapshot',
  async handle(link, agentId, message) {
    const { ctx } = link;
    const now = ctx.clock();
    link.presence.seen(agentId, now);
    const site = await link.siteOf(agentId);
    const cameraSite = await ctx.store.cameras.siteOf(message.camera_id);
    if (site === undefined || cameraSite === undefined || cameraSite !== site) {
      ctx.logger.warn(
        { agent: agentId, camera_id: message.camera_id, site },
        cameraSite !== undefined
          ? 'snapshot for a camera of another site refused'
          : 'snapshot for an unknown camera refused',
      );
      return;
    }
    const id = await ctx.store.snapshots.add(
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
      ctx.config.cameraSnapshotsKeep,
    );
    ctx.logger.debug(
      { agent: agentId, camera_id: message.camera_id, snapshot: id, bytes: message.image.length },
      'snapshot stored',
    );
  },
};
