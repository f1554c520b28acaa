import type { Migration } from './types.js';

/** Camera snapshots: the last N JPEGs per camera with their time, size and the job that asked for them. */
export const m004Cameras: Migration = {
  version: 4,
  name: 'cameras',
  up(db) {
    db.exec(`
      CREATE TABLE camera_snapshots (
        id          INTEGER PRIMARY KEY,
        camera_id   INTEGER NOT NULL REFERENCES cameras(id) ON DELETE CASCADE,
        -- when the agent took it (epoch ms)
        ts          INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        agent_id    TEXT,
        job_id      TEXT,
        width       INTEGER,
        height      INTEGER,
        bytes       INTEGER NOT NULL,
        image       BLOB NOT NULL
      );
      CREATE INDEX camera_snapshots_camera_ts ON camera_snapshots(camera_id, ts DESC);
    `);
  },
};
