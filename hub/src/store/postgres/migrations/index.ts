import { m001Schema } from './001_schema.js';
import { m002FleetIndexes } from './002_fleet_indexes.js';
import { m003Coverage } from './003_coverage.js';
import { m004DeferrableReferences } from './004_deferrable_references.js';
import { m005AgentReleases } from './005_agent_releases.js';
import { m006DeviceSearch } from './006_device_search.js';
import { m007ApiKeys } from './007_api_keys.js';
import { m008Tenants } from './008_tenants.js';
import { m009AuditSites } from './009_audit_sites.js';
import type { PgMigration } from './types.js';

export type { PgMigration } from './types.js';

/** Every migration, one file each, one line here, in increasing version order. */
export const PG_MIGRATIONS: readonly PgMigration[] = checkOrder([
  m001Schema,
  m002FleetIndexes,
  m003Coverage,
  m004DeferrableReferences,
  m005AgentReleases,
  m006DeviceSearch,
  m007ApiKeys,
  m008Tenants,
  m009AuditSites,
]);

function checkOrder(list: PgMigration[]): PgMigration[] {
  list.forEach((m, i) => {
    const previous = list[i - 1];
    if (previous && m.version <= previous.version) {
      throw new Error(
        `migration ${m.name} (version ${m.version}) must come after ${previous.name} (${previous.version})`,
      );
    }
  });
  return list;
}
