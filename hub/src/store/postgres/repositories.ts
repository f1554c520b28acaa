import type { Repositories } from '../port.js';
import { PgAgentEvents } from './agent-events.js';
import { PgAgents } from './agents.js';
import { PgAlertRules } from './alert-rules.js';
import { PgAlertingState } from './alerting-state.js';
import { PgAlerts } from './alerts.js';
import { PgApiKeys } from './api-keys.js';
import { PgAudit } from './audit.js';
import { PgCameras } from './cameras.js';
import { PgChannels } from './channels.js';
import { PgChecks } from './checks.js';
import { PgConfigVersions } from './config-versions.js';
import type { Scope } from './connection.js';
import { PgCredentials } from './credentials.js';
import { PgCustomOids } from './custom-oids.js';
import { PgDevices } from './devices.js';
import { PgDiscovered } from './discovered.js';
import { PgEnrollmentTokens } from './enrollment-tokens.js';
import { PgFleet } from './fleet.js';
import { PgJobs } from './jobs.js';
import { PgLedger } from './ledger.js';
import { PgMaintenance } from './maintenance.js';
import { PgNotifications } from './notifications.js';
import { PgReleases } from './releases.js';
import { PgRetention } from './retention.js';
import { PgRollouts } from './rollouts.js';
import { PgSeries } from './series.js';
import { PgSessions } from './sessions.js';
import { PgSiteTraps } from './site-traps.js';
import { PgSites } from './sites.js';
import { PgSnapshots } from './snapshots.js';
import { PgScopes, PgSiteGroups } from './tenancy.js';
import type { PgTimeSeries } from './timeseries/engine.js';
import { PgTopology } from './topology.js';
import { PgUsers } from './users.js';

/** Every PostgreSQL repository, on one scope (the store's, or one unit of work's). One line per repository. */
export class PgRepositories implements Repositories {
  readonly users: PgUsers;
  readonly sessions: PgSessions;
  readonly audit: PgAudit;
  readonly sites: PgSites;
  readonly siteGroups: PgSiteGroups;
  readonly scopes: PgScopes;
  readonly devices: PgDevices;
  readonly cameras: PgCameras;
  readonly snapshots: PgSnapshots;
  readonly agents: PgAgents;
  readonly enrollmentTokens: PgEnrollmentTokens;
  readonly agentEvents: PgAgentEvents;
  readonly configVersions: PgConfigVersions;
  readonly jobs: PgJobs;
  readonly alerts: PgAlerts;
  readonly alertRules: PgAlertRules;
  readonly maintenance: PgMaintenance;
  readonly alertingState: PgAlertingState;
  readonly channels: PgChannels;
  readonly notifications: PgNotifications;
  readonly fleet: PgFleet;
  readonly checks: PgChecks;
  readonly customOids: PgCustomOids;
  readonly siteTraps: PgSiteTraps;
  readonly credentials: PgCredentials;
  readonly discovered: PgDiscovered;
  readonly topology: PgTopology;
  readonly series: PgSeries;
  readonly ledger: PgLedger;
  readonly releases: PgReleases;
  readonly rollouts: PgRollouts;
  readonly apiKeys: PgApiKeys;
  readonly retention: PgRetention;

  /**
   * `afterCommit`: how the scope runs what follows a commit (a unit's: when it commits; absent for the store,
   * whose calls commit on their own).
   */
  constructor(scope: Scope, timeseries: PgTimeSeries, afterCommit?: (fn: () => void) => void) {
    this.users = new PgUsers(scope);
    this.sessions = new PgSessions(scope);
    this.audit = new PgAudit(scope);
    this.sites = new PgSites(scope);
    this.siteGroups = new PgSiteGroups(scope);
    this.scopes = new PgScopes(scope);
    this.devices = new PgDevices(scope);
    this.cameras = new PgCameras(scope);
    this.snapshots = new PgSnapshots(scope);
    this.agents = new PgAgents(scope);
    this.enrollmentTokens = new PgEnrollmentTokens(scope);
    this.agentEvents = new PgAgentEvents(scope);
    this.configVersions = new PgConfigVersions(scope);
    this.jobs = new PgJobs(scope);
    this.alerts = new PgAlerts(scope);
    this.alertRules = new PgAlertRules(scope);
    this.maintenance = new PgMaintenance(scope);
    this.alertingState = new PgAlertingState(scope);
    this.channels = new PgChannels(scope);
    this.notifications = new PgNotifications(scope);
    this.fleet = new PgFleet(scope);
    this.checks = new PgChecks(scope);
    this.customOids = new PgCustomOids(scope);
    this.siteTraps = new PgSiteTraps(scope);
    this.credentials = new PgCredentials(scope);
    this.discovered = new PgDiscovered(scope);
    this.topology = new PgTopology(scope);
    this.series = new PgSeries(scope, timeseries, afterCommit);
    this.ledger = new PgLedger(scope);
    this.releases = new PgReleases(scope);
    this.rollouts = new PgRollouts(scope);
    this.apiKeys = new PgApiKeys(scope);
    this.retention = new PgRetention(scope);
  }
}
