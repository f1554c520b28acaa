import type { Logger } from '../logger.js';
import { createSnmpPoller, fpingProbe } from '../snmp/index.js';
import { lazyProber } from './lazy-prober.js';
import type { Poller, Prober } from './types.js';

/** The SNMP poller of this agent. */
export function loadPoller(maxInFlight: number, log: Logger): Poller {
  const logger = log.child({ part: 'snmp' });
  return createSnmpPoller({ maxInFlight, logger, ping: fpingProbe(logger) });
}

/**
 * The camera prober of this agent (RTSP, ffprobe, ffmpeg snapshots, live views). Its code loads with the first
 * camera: the bundle keeps it in a chunk of its own.
 */
export async function loadProber(
  log: Logger,
  opts: { rtspTlsVerify?: boolean } = {},
): Promise<Prober | null> {
  return lazyProber(async () => {
    const { createCameraProber } = await import('../camera/index.js');
    return createCameraProber({
      logger: log.child({ part: 'camera' }),
      tlsVerify: opts.rtspTlsVerify ?? true,
    });
  });
}
