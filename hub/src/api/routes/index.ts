import { webAuthRoutes } from '../../web/routes/web-auth.js';
import { webStaticRoutes } from '../../web/routes/web-static.js';
import type { RouteModule } from '../types.js';
import { agentReleasesRoutes } from './agent-releases.js';
import { agentsRoutes } from './agents.js';
import { alertNotificationsRoutes } from './alert-notifications.js';
import { alertRulePreviewRoutes } from './alert-rule-preview.js';
import { alertRulesRoutes } from './alert-rules.js';
import { alertsRoutes } from './alerts.js';
import { apiKeysRoutes } from './api-keys.js';
import { auditRoutes } from './audit.js';
import { authRoutes } from './auth.js';
import { bulkRoutes } from './bulk.js';
import { cameraMetricsRoutes } from './camera-metrics.js';
import { cameraSnapshotsRoutes } from './camera-snapshots.js';
import { camerasRoutes } from './cameras.js';
import { checksRoutes } from './checks.js';
import { credentialSetsRoutes } from './credential-sets.js';
import { customOidsRoutes } from './custom-oids.js';
import { deviceEventsRoutes } from './device-events.js';
import { deviceMetricsRoutes } from './device-metrics.js';
import { devicesRoutes } from './devices.js';
import { discoveryRoutes } from './discovery.js';
import { docsRoutes } from './docs.js';
import { eventsRoutes } from './events.js';
import { fleetRoutes } from './fleet.js';
import { healthRoutes } from './health.js';
import { jobsRoutes } from './jobs.js';
import { maintenanceRoutes } from './maintenance.js';
import { metricsRoutes } from './metrics.js';
import { notificationChannelsRoutes } from './notification-channels.js';
import { rolloutsRoutes } from './rollouts.js';
import { siteGroupsRoutes } from './site-groups.js';
import { siteTrapsRoutes } from './site-traps.js';
import { sitesRoutes } from './sites.js';
import { topologyRoutes } from './topology.js';
import { usersRoutes } from './users.js';

/**
 * Every route module, one file each, one line here. Order matters only between fixed and parameterised
 * paths of one resource, which each module handles itself (e.g. /devices/status before /devices/{id}).
 */
export const ROUTE_MODULES: readonly RouteModule[] = [
  healthRoutes,
  authRoutes,
  fleetRoutes,
  usersRoutes,
  apiKeysRoutes,
  sitesRoutes,
  siteGroupsRoutes,
  bulkRoutes,
  discoveryRoutes,
  topologyRoutes,
  credentialSetsRoutes,
  siteTrapsRoutes,
  devicesRoutes,
  deviceMetricsRoutes,
  deviceEventsRoutes,
  checksRoutes,
  customOidsRoutes,
  camerasRoutes,
  cameraMetricsRoutes,
  cameraSnapshotsRoutes,
  alertsRoutes,
  alertNotificationsRoutes,
  alertRulePreviewRoutes,
  alertRulesRoutes,
  maintenanceRoutes,
  notificationChannelsRoutes,
  auditRoutes,
  agentsRoutes,
  agentReleasesRoutes,
  rolloutsRoutes,
  jobsRoutes,
  eventsRoutes,
  metricsRoutes,
  docsRoutes,
  webAuthRoutes,
  webStaticRoutes,
];

export type { RouteModule } from '../types.js';
