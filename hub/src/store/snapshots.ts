/** A stored camera snapshot without its image. */
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

/** Camera snapshots: the last few JPEGs per camera. */
export interface SnapshotRepo {
  /**
   * Stores a snapshot, advances the camera's `last_snapshot_at` and deletes its snapshots beyond the newest
   * `keep`, together. Returns the new snapshot's id.
   */
  add(s: NewSnapshot, keep: number): Promise<number>;
  /** The newest snapshot taken at or before `at` (default: the newest of all). */
  latest(cameraId: number, at?: number): Promise<SnapshotWithImage | undefined>;
  /** Newest first, without images. */
  list(cameraId: number): Promise<SnapshotInfo[]>;
}
