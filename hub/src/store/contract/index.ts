import { describe } from 'node:test';
import { agentEventsContract } from './agent-events.js';
import { agentsContract } from './agents.js';
import { alertRulesContract } from './alert-rules.js';
import { alertingStateContract } from './alerting-state.js';
import { alertsContract } from './alerts.js';
import { apiKeysContract } from './api-keys.js';
import { auditContract } from './audit.js';
import { camerasContract } from './cameras.js';
import { channelsContract } from './channels.js';
import { checksContract } from './checks.js';
import { configVersionsContract } from './config-versions.js';
import { credentialsContract } from './credentials.js';
import { customOidsContract } from './custom-oids.js';
import { devicesContract } from './devices.js';
import { enrollmentTokensContract } from './enrollment-tokens.js';
import type { ContractSuite, StoreFactory } from './fixtures.js';
import { fleetContract } from './fleet.js';
import { jobsContract } from './jobs.js';
import { ledgerContract } from './ledger.js';
import { maintenanceContract } from './maintenance.js';
import { notificationsContract } from './notifications.js';
import { racesContract } from './races.js';
import { releasesContract } from './releases.js';
import { retentionContract } from './retention.js';
import { rolloutsContract } from './rollouts.js';
import { samplesContract } from './samples.js';
import { sessionsContract } from './sessions.js';
import { siteTrapsContract } from './site-traps.js';
import { sitesContract } from './sites.js';
import { snapshotsContract } from './snapshots.js';
import { tenancyContract } from './tenancy.js';
import { topologyContract } from './topology.js';
import { unitOfWorkContract } from './unit-of-work.js';
import { usersContract } from './users.js';

/** Every part of the contract, one file each, one line here. */
const SUITES: readonly [string, ContractSuite][] = [
  ['unit of work', unitOfWorkContract],
  ['users', usersContract],
  ['sessions', sessionsContract],
  ['audit', auditContract],
  ['sites', sitesContract],
  ['devices', devicesContract],
  ['cameras', camerasContract],
  ['snapshots', snapshotsContract],
  ['agents', agentsContract],
  ['enrollment tokens', enrollmentTokensContract],
  ['agent events', agentEventsContract],
  ['config versions', configVersionsContract],
  ['jobs', jobsContract],
  ['alerts', alertsContract],
  ['alert rules', alertRulesContract],
  ['maintenance', maintenanceContract],
  ['alerting state', alertingStateContract],
  ['channels', channelsContract],
  ['notifications', notificationsContract],
  ['checks', checksContract],
  ['custom OIDs', customOidsContract],
  ['site traps', siteTrapsContract],
  ['credentials', credentialsContract],
  ['delivery ledger', ledgerContract],
  ['samples through units of work', samplesContract],
  ['releases', releasesContract],
  ['rollouts', rolloutsContract],
  ['api keys', apiKeysContract],
  ['tenancy', tenancyContract],
  ['retention', retentionContract],
  ['fleet', fleetContract],
  ['topology and discovery', topologyContract],
  ['writers racing', racesContract],
];

/**
 * The behaviour every HubStore engine must show (like the agent's outbox contract and MQTT.js' abstract_store):
 * each engine's test file calls this with its factory; nothing in here knows the engine. `notBuilt` names the
 * parts an engine does not have yet (part -> why), skipped with that reason.
 */
export function runStoreContract(
  name: string,
  factory: StoreFactory,
  opts: { notBuilt?: Record<string, string> } = {},
): void {
  describe(`store contract: ${name}`, () => {
    for (const [part, suite] of SUITES) {
      // A part the engine does not have yet is reported as skipped with the reason, never passed.
      const missing = opts.notBuilt?.[part];
      if (missing) describe(part, { skip: missing }, () => {});
      else describe(part, () => suite(factory));
    }
  });
}

export type { ContractSuite, StoreFactory } from './fixtures.js';
