import type { Repositories } from '../port.js';
import { SqliteAgentEvents } from './agent-events.js';
import { SqliteAgents } from './agents.js';
import { SqliteAlertRules } from './alert-rules.js';
import { SqliteAlertingState } from './alerting-state.js';
import { SqliteAlerts } from './alerts.js';
import { SqliteAudit } from './audit.js';
import { SqliteCameras } from './cameras.js';
import { SqliteChannels } from './channels.js';
import { SqliteChecks } from './checks.js';
import { SqliteConfigVersions } from './config-versions.js';
import type { Scope } from './connection.js';
import { SqliteCustomOids } from './custom-oids.js';
import { SqliteDevices } from './devices.js';
import { SqliteEnrollmentTokens } from './enrollment-tokens.js';
import { SqliteFleet } from './fleet.js';
import { SqliteJobs } from './jobs.js';
import { SqliteMaintenance } from './maintenance.js';
import { SqliteNotifications } from './notifications.js';
import { SqliteSessions } from './sessions.js';
import { SqliteSiteTraps } from './site-traps.js';
import { SqliteSites } from './sites.js';
import { SqliteSnapshots } from './snapshots.js';
import { SqliteUsers } from './users.js';

/** Every SQLite repository, on one scope (the store's, or one unit of work's). One line per repository. */
export class SqliteRepositories implements Repositories {
  readonly users: SqliteUsers;
  readonly sessions: SqliteSessions;
  readonly audit: SqliteAudit;
  readonly sites: SqliteSites;
  readonly devices: SqliteDevices;
  readonly cameras: SqliteCameras;
  readonly snapshots: SqliteSnapshots;
  readonly agents: SqliteAgents;
  readonly enrollmentTokens: SqliteEnrollmentTokens;
  readonly agentEvents: SqliteAgentEvents;
  readonly configVersions: SqliteConfigVersions;
  readonly jobs: SqliteJobs;
  readonly alerts: SqliteAlerts;
  readonly alertRules: SqliteAlertRules;
  readonly maintenance: SqliteMaintenance;
  readonly alertingState: SqliteAlertingState;
  readonly channels: SqliteChannels;
  readonly notifications: SqliteNotifications;
  readonly fleet: SqliteFleet;
  readonly checks: SqliteChecks;
  readonly customOids: SqliteCustomOids;
  readonly siteTraps: SqliteSiteTraps;

  constructor(scope: Scope) {
    this.users = new SqliteUsers(scope);
    this.sessions = new SqliteSessions(scope);
    this.audit = new SqliteAudit(scope);
    this.sites = new SqliteSites(scope);
    this.devices = new SqliteDevices(scope);
    this.cameras = new SqliteCameras(scope);
    this.snapshots = new SqliteSnapshots(scope);
    this.agents = new SqliteAgents(scope);
    this.enrollmentTokens = new SqliteEnrollmentTokens(scope);
    this.agentEvents = new SqliteAgentEvents(scope);
    this.configVersions = new SqliteConfigVersions(scope);
    this.jobs = new SqliteJobs(scope);
    this.alerts = new SqliteAlerts(scope);
    this.alertRules = new SqliteAlertRules(scope);
    this.maintenance = new SqliteMaintenance(scope);
    this.alertingState = new SqliteAlertingState(scope);
    this.channels = new SqliteChannels(scope);
    this.notifications = new SqliteNotifications(scope);
    this.fleet = new SqliteFleet(scope);
    this.checks = new SqliteChecks(scope);
    this.customOids = new SqliteCustomOids(scope);
    this.siteTraps = new SqliteSiteTraps(scope);
  }
}
