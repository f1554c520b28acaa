import type { Migration } from './types.js';

/**
 * The fleet views: a device's MAC address (search), an agent's previous backlog (is it growing?), series by
 * metric (rule previews).
 */
export const m005Fleet: Migration = {
  version: 5,
  name: 'fleet',
  up(db) {
    db.exec(`
      -- Lower-case, colon-separated (aa:bb:cc:dd:ee:ff); set by operators, searched by the dashboard.
      ALTER TABLE devices ADD COLUMN mac_address TEXT;
      -- The backlog of the status before the last one: growing when backlog > backlog_previous.
      ALTER TABLE agents ADD COLUMN backlog_previous INTEGER;
      -- Rule previews look series up by metric across every target.
      CREATE INDEX series_metric ON series(metric);
    `);
  },
};
