import { targetMetricsRoutes } from './target-metrics.js';

/** `GET /devices/{id}/metrics` (target-metrics.ts). */
export const deviceMetricsRoutes = targetMetricsRoutes({
  kind: 'device',
  plural: 'devices',
  siteOf: (hub, id) => hub.store.devices.siteOf(id),
});
