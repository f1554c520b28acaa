import { targetMetricsRoutes } from './target-metrics.js';

/** `GET /devices/{id}/metrics` (target-metrics.ts). */
export const deviceMetricsRoutes = targetMetricsRoutes({
  kind: 'device',
  plural: 'devices',
  exists: async (hub, id) => (await hub.store.devices.get(id)) !== undefined,
});
