import { m001Core } from './001_core.js';
import { m002Link } from './002_link.js';
import { m003Alerting } from './003_alerting.js';
import { m004Cameras } from './004_cameras.js';
import { m005Fleet } from './005_fleet.js';
import { m006TimeseriesChunks } from './006_timeseries_chunks.js';
import { m007TimeseriesSharedTimes } from './007_timeseries_shared_times.js';
import { m008Discovery } from './008_discovery.js';
import { m009FleetIndexes } from './009_fleet_indexes.js';
import { m010Coverage } from './010_coverage.js';
import { m011AgentReleases } from './011_agent_releases.js';
import { m012ApiKeys } from './012_api_keys.js';
import { m013Tenants } from './013_tenants.js';
import { m014AuditSites } from './014_audit_sites.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

/** Every migration, one file each, one line here, in increasing version order. */
export const MIGRATIONS: readonly Migration[] = checkOrder([
  m001Core,
  m002Link,
  m003Alerting,
  m004Cameras,
  m005Fleet,
  m006TimeseriesChunks,
  m007TimeseriesSharedTimes,
  m008Discovery,
  m009FleetIndexes,
  m010Coverage,
  m011AgentReleases,
  m012ApiKeys,
  m013Tenants,
  m014AuditSites,
]);

function checkOrder(list: Migration[]): Migration[] {
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
