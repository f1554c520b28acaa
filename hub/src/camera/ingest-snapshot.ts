import type { IngestHandler } from '../ingest/types.js';
import { SnapshotStore } from './snapshot-store.js';

/**
 * `up/snapshot`: a camera JPEG from an agent. Stored (last N per camera) only when the camera belongs to the
 * agent's site; `cameras.last_snapshot_at` follows. Anything else is counted and logged, never stored.
 */
export const snapshotHandler: IngestHandler<'snapshot'> = {
  kind: 'snapshot',
  handle(link, agentId, message) {
    const { ctx } = link;
    const now = ctx.clock();
    link.presence.seen(agentId, now);
    const site = link.siteOf(agentId);
    const camera = ctx.db.prepare('SELECT site_id FROM cameras WHERE id = ?').get(message.camera_id) as
      | { site_id: number }
      | undefined;
    if (site === undefined || !camera || camera.site_id !== site) {
      ctx.logger.warn(
        { agent: agentId, camera_id: message.camera_id, site },
        camera ? 'snapshot for a camera of another site refused' : 'snapshot for an unknown camera refused',
      );
      return;
    }
    const store = new SnapshotStore(ctx.db, ctx.config.cameraSnapshotsKeep);
    const id = store.add({
      camera_id: message.camera_id,
      ts: message.ts,
      received_at: now,
      agent_id: agentId,
      job_id: message.job_id ?? null,
      width: message.width ?? null,
      height: message.height ?? null,
      image: message.image,
    });
    ctx.logger.debug(
      { agent: agentId, camera_id: message.camera_id, snapshot: id, bytes: message.image.length },
      'snapshot stored',
    );
  },
};
