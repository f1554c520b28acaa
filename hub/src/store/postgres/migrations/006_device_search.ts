import { DEVICE_SEARCH_TEXT } from '../search.js';
import type { PgMigration } from './types.js';

/**
 * Device search through one trigram index on the searched columns joined (search.ts) instead of one per
 * column: a search is one index scan (or one pattern test per row) instead of six, and a status update of a
 * device maintains one GIN entry set instead of six.
 */
export const m006DeviceSearch: PgMigration = {
  version: 6,
  name: 'device_search',
  sql: `
    CREATE INDEX devices_search_trgm ON devices USING gin (${DEVICE_SEARCH_TEXT} gin_trgm_ops);
    DROP INDEX devices_name_trgm, devices_ip_trgm, devices_sys_name_trgm, devices_vendor_trgm, devices_mac_trgm,
      devices_mac_hex_trgm;
  `,
};
