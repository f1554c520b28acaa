import type { NewSnapshot, SnapshotInfo, SnapshotRepo, SnapshotWithImage } from '../snapshots.js';
import type { Scope } from './connection.js';

const INFO_COLUMNS = 'id, camera_id, ts, received_at, agent_id, job_id, width, height, bytes';

export class PgSnapshots implements SnapshotRepo {
  constructor(private readonly s: Scope) {}

  add(n: NewSnapshot, keep: number): Promise<number> {
    return this.s.atomic(async (s) => {
      const row = (await s.get<{ id: number }>(
        `INSERT INTO camera_snapshots (camera_id, ts, received_at, agent_id, job_id, width, height, bytes, image)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        n.camera_id,
        n.ts,
        n.received_at,
        n.agent_id,
        n.job_id,
        n.width,
        n.height,
        n.image.length,
        Buffer.from(n.image),
      )) as { id: number };
      // The camera row's lock orders two snapshots of one camera: the trim below sees the other's insert.
      await s.run(
        'UPDATE cameras SET last_snapshot_at = GREATEST(COALESCE(last_snapshot_at, 0), ?) WHERE id = ?',
        n.ts,
        n.camera_id,
      );
      await s.run(
        `DELETE FROM camera_snapshots WHERE camera_id = ? AND id NOT IN (
           SELECT id FROM camera_snapshots WHERE camera_id = ? ORDER BY ts DESC, id DESC LIMIT ?)`,
        n.camera_id,
        n.camera_id,
        keep,
      );
      return row.id;
    });
  }

  latest(cameraId: number, at?: number): Promise<SnapshotWithImage | undefined> {
    const sql = `SELECT ${INFO_COLUMNS}, image FROM camera_snapshots WHERE camera_id = ? ${
      at === undefined ? '' : 'AND ts <= ?'
    } ORDER BY ts DESC, id DESC LIMIT 1`;
    return this.s.get<SnapshotWithImage>(sql, ...(at === undefined ? [cameraId] : [cameraId, at]));
  }

  list(cameraId: number): Promise<SnapshotInfo[]> {
    return this.s.all<SnapshotInfo>(
      `SELECT ${INFO_COLUMNS} FROM camera_snapshots WHERE camera_id = ? ORDER BY ts DESC, id DESC`,
      cameraId,
    );
  }
}
