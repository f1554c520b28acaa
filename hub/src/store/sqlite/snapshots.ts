import type { NewSnapshot, SnapshotInfo, SnapshotRepo, SnapshotWithImage } from '../snapshots.js';
import type { Scope } from './connection.js';

const INFO_COLUMNS = 'id, camera_id, ts, received_at, agent_id, job_id, width, height, bytes';

export class SqliteSnapshots implements SnapshotRepo {
  constructor(private readonly s: Scope) {}

  add(n: NewSnapshot, keep: number): Promise<number> {
    return this.s.atomic(() => {
      const info = this.s
        .stmt(
          `INSERT INTO camera_snapshots (camera_id, ts, received_at, agent_id, job_id, width, height, bytes, image)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          n.camera_id,
          n.ts,
          n.received_at,
          n.agent_id,
          n.job_id,
          n.width,
          n.height,
          n.image.length,
          Buffer.from(n.image),
        );
      this.s
        .stmt('UPDATE cameras SET last_snapshot_at = MAX(COALESCE(last_snapshot_at, 0), ?) WHERE id = ?')
        .run(n.ts, n.camera_id);
      this.s
        .stmt(
          `DELETE FROM camera_snapshots WHERE camera_id = ? AND id NOT IN (
             SELECT id FROM camera_snapshots WHERE camera_id = ? ORDER BY ts DESC, id DESC LIMIT ?)`,
        )
        .run(n.camera_id, n.camera_id, keep);
      return Number(info.lastInsertRowid);
    });
  }

  latest(cameraId: number, at?: number): Promise<SnapshotWithImage | undefined> {
    return this.s.run(() => {
      const sql = `SELECT ${INFO_COLUMNS}, image FROM camera_snapshots WHERE camera_id = ? ${
        at === undefined ? '' : 'AND ts <= ?'
      } ORDER BY ts DESC, id DESC LIMIT 1`;
      return this.s.stmt(sql).get(...(at === undefined ? [cameraId] : [cameraId, at])) as
        | SnapshotWithImage
        | undefined;
    });
  }

  list(cameraId: number): Promise<SnapshotInfo[]> {
    return this.s.run(
      () =>
        this.s
          .stmt(`SELECT ${INFO_COLUMNS} FROM camera_snapshots WHERE camera_id = ? ORDER BY ts DESC, id DESC`)
          .all(cameraId) as SnapshotInfo[],
    );
  }
}
