import { ref } from '../types.js';
import { cameraStatusRule } from './camera-status.js';

/** A camera's stream cannot be reached (no answer, RTSP error, no frames). */
export const cameraDown = cameraStatusRule({
  name: 'camera-down',
  status: 'unreachable',
  description: "A camera's RTSP stream cannot be opened or delivers no frames.",
  severity: 'high',
  forS: 0,
  title: (id) => `Camera ${ref('camera', id)} stream down`,
});
