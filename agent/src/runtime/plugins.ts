import { createCameraProber } from '../camera/index.js';
import type { Logger } from '../logger.js';
import { createSnmpPoller } from '../snmp/index.js';
import type { Poller, Prober } from './types.js';

/** The SNMP poller of this agent. */
export function loadPoller(maxInFlight: number, log: Logger): Poller {
  return createSnmpPoller({ maxInFlight, logger: log.child({ part: 'snmp' }) });
}

/** The camera prober of this agent (RTSP, ffprobe, ffmpeg snapshots). */
export async function loadProber(log: Logger): Promise<Prober | null> {
  return createCameraProber({ logger: log.child({ part: 'camera' }) });
}
