import { getCamera } from '../../store/cameras.js';
import { targetMetricsRoutes } from './target-metrics.js';

/** `GET /cameras/{id}/metrics`: fps, bitrate, RTSP response time... (target-metrics.ts). */
export const cameraMetricsRoutes = targetMetricsRoutes({
  kind: 'camera',
  plural: 'cameras',
  exists: (hub, id) => getCamera(hub.db, id) !== undefined,
});
