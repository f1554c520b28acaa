import type { Repositories } from '../port.js';
import { PgAgentEvents } from './agent-events.js';
import { PgAgents } from './agents.js';
import { PgAlertRules } from './alert-rules.js';
import { PgAlertingState } from './alerting-state.js';
import { PgAlerts } from './alerts.js';
import { PgAudit } from './audit.js';
import { PgCameras } from './cameras.js';
import { PgChannels } from './channels.js';
import { PgConfigVersions } from './config-versions.js';
import type { Scope } from './connection.js';
import { PgCredentials } from './credentials.js';
import { PgDevices } from './devices.js';
import { PgDiscovered } from './discovered.js';
import { PgEnrollmentTokens } from './enrollment-tokens.js';
import { PgFleet } from './fleet.js';
import { PgJobs } from './jobs.js';
import { PgMaintenance } from './maintenance.js';
import { PgNotifications } from './notifications.js';
import { PgSessions } from './sessions.js';
import { PgSites } from './sites.js';
import { PgSnapshots } from './snapshots.js';
import { PgTopology } from './topology.js';
import { PgUsers } from './users.js';

/** Every PostgreSQL repository, on one scope (the store's, or one unit of work's). One line per repository. */
export class PgRepositories implements Repositories {
  readonly users: PgUsers;
  readonly sessions: PgSessions;
  readonly audit: PgAudit;
  readonly sites: PgSites;
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
  readonly credentials: PgCredentials;
  readonly discovered: PgDiscovered;
  readonly topology: PgTopology;

  constructor(scope: Scope) {
    this.users = new PgUsers(scope);
    this.sessions = new PgSessions(scope);
    this.audit = new PgAudit(scope);
    this.sites = new PgSites(scope);
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
    this.credentials = new PgCredentials(scope);
    this.discovered = new PgDiscovered(scope);
    this.topology = new PgTopology(scope);
  }
}
