import type { Migration } from './types.js';

/**
 * Shared timestamp columns: the series of one device polled together have the very same timestamps, so a
 * seal pass stores them once (`ts_times`) and each of those chunks refers to them (`ts_chunks.times_id`,
 * chunk format 2) instead of carrying its own copy. Chunks written before keep theirs (format 1).
 */
export const m007TimeseriesSharedTimes: Migration = {
  version: 7,
  name: 'timeseries_shared_times',
  up(db) {
    db.exec(`
      ALTER TABLE ts_chunks ADD COLUMN times_id INTEGER;
      CREATE TABLE ts_times (
        id     INTEGER PRIMARY KEY,
        count  INTEGER NOT NULL,
        -- the last timestamp: the chunks that use these times end there too (retention goes by it)
        end_ts INTEGER NOT NULL,
        data   BLOB NOT NULL
      );
      CREATE INDEX ts_times_end ON ts_times(end_ts);
    `);
  },
};
