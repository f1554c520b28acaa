import type { Db } from '../store/db.js';

/** A stored snapshot without its image. */
export interface SnapshotInfo {
  id: number;
  camera_id: number;
  ts: number;
  received_at: number;
  agent_id: string | null;
  job_id: string | null;
  width: number | null;
  height: number | null;
  bytes: number;
}

export interface SnapshotWithImage extends SnapshotInfo {
  image: Buffer;
}

export interface NewSnapshot {
  camera_id: number;
  ts: number;
  received_at: number;
  agent_id: string | null;
  job_id: string | null;
  width: number | null;
  height: number | null;
  image: Uint8Array;
}

const INFO_COLUMNS = 'id, camera_id, ts, received_at, agent_id, job_id, width, height, bytes';

/** Camera snapshots in SQLite (migration 004): the last `keep` per camera. */
export class SnapshotStore {
  constructor(
    private readonly db: Db,
    private readonly keep: number,
  ) {}

  /**
   * Stores a snapshot, advances `cameras.last_snapshot_at` and deletes the camera's snapshots beyond the newest
   * `keep`, in one transaction. Returns the new row's id.
   */
  add(s: NewSnapshot): number {
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO camera_snapshots (camera_id, ts, received_at, agent_id, job_id, width, height, bytes, image)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          s.camera_id,
          s.ts,
          s.received_at,
          s.agent_id,
          s.job_id,
          s.width,
          s.height,
          s.image.length,
          Buffer.from(s.image),
        );
      this.db
        .prepare('UPDATE cameras SET last_snapshot_at = MAX(COALESCE(last_snapshot_at, 0), ?) WHERE id = ?')
        .run(s.ts, s.camera_id);
      this.db
        .prepare(
          `DELETE FROM camera_snapshots WHERE camera_id = ? AND id NOT IN (
             SELECT id FROM camera_snapshots WHERE camera_id = ? ORDER BY ts DESC, id DESC LIMIT ?)`,
        )
        .run(s.camera_id, s.camera_id, this.keep);
      return Number(info.lastInsertRowid);
    })();
  }

  /** The newest snapshot taken at or before `at` (default: the newest of all). */
  latest(cameraId: number, at?: number): SnapshotWithImage | undefined {
    const sql = `SELECT ${INFO_COLUMNS}, image FROM camera_snapshots WHERE camera_id = ? ${
      at === undefined ? '' : 'AND ts <= ?'
    } ORDER BY ts DESC, id DESC LIMIT 1`;
    const args = at === undefined ? [cameraId] : [cameraId, at];
    return this.db.prepare(sql).get(...args) as SnapshotWithImage | undefined;
  }

  /** The camera's stored snapshots, newest first, without images. */
  list(cameraId: number): SnapshotInfo[] {
    return this.db
      .prepare(`SELECT ${INFO_COLUMNS} FROM camera_snapshots WHERE camera_id = ? ORDER BY ts DESC, id DESC`)
      .all(cameraId) as SnapshotInfo[];
  }
}
