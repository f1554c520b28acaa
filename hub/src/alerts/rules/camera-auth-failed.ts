import { ref } from '../types.js';
import { cameraStatusRule } from './camera-status.js';

/** A camera refuses the configured RTSP credentials. */
export const cameraAuthFailed = cameraStatusRule({
  name: 'camera-auth-failed',
  status: 'auth_failed',
  description: 'A camera refuses the configured RTSP credentials.',
  severity: 'high',
  forS: 0,
  title: (id) => `Camera ${ref('camera', id)} refuses its credentials`,
});
