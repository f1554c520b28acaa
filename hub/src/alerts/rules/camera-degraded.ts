import { ref } from '../types.js';
import { cameraStatusRule } from './camera-status.js';

/**
 * A camera streams below its nominal quality (the agent reports `degraded` when the measured fps falls below
 * a fraction of the nominal rate). Held for two minutes by default: one slow probe is not an incident.
 */
export const cameraDegraded = cameraStatusRule({
  name: 'camera-degraded',
  status: 'degraded',
  description: 'A camera streams below a fraction of its nominal frame rate.',
  severity: 'medium',
  forS: 120,
  title: (id) => `Camera ${ref('camera', id)} stream degraded`,
});
