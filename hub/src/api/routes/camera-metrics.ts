import { targetMetricsRoutes } from './target-metrics.js';

/** `GET /cameras/{id}/metrics`: fps, bitrate, RTSP response time... (target-metrics.ts). */
export const cameraMetricsRoutes = targetMetricsRoutes({
  kind: 'camera',
  plural: 'cameras',
  exists: async (hub, id) => (await hub.store.cameras.get(id)) !== undefined,
});
