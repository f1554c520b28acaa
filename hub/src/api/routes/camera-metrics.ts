import { targetMetricsRoutes } from './target-metrics.js';

/** `GET /cameras/{id}/metrics`: fps, bitrate, RTSP response time... (target-metrics.ts). */
export const cameraMetricsRoutes = targetMetricsRoutes({
  kind: 'camera',
  plural: 'cameras',
  siteOf: (hub, id) => hub.store.cameras.siteOf(id),
});
