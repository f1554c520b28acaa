import { getDevice } from '../../store/devices.js';
import { targetMetricsRoutes } from './target-metrics.js';

/** `GET /devices/{id}/metrics` (target-metrics.ts). */
export const deviceMetricsRoutes = targetMetricsRoutes({
  kind: 'device',
  plural: 'devices',
  exists: (hub, id) => getDevice(hub.db, id) !== undefined,
});
