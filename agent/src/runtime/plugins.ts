import type { Logger } from '../logger.js';
import { createSnmpPoller } from '../snmp/index.js';
import type { Poller, Prober } from './types.js';

/** The SNMP poller of this agent. */
export function loadPoller(maxInFlight: number, log: Logger): Poller {
  return createSnmpPoller({ maxInFlight, logger: log.child({ part: 'snmp' }) });
}

/**
 * The camera prober, when agent/src/camera provides one (`createCameraProber()` or `probe`/`snapshot`).
 * Without it cameras are reported as not probed rather than silently skipped.
 */
export async function loadProber(log: Logger): Promise<Prober | null> {
  const spec = '../camera/index.js';
  let mod: Record<string, unknown>;
  try {
    mod = (await import(spec)) as Record<string, unknown>;
  } catch (err) {
    log.debug({ err }, 'no camera prober available');
    return null;
  }
  if (typeof mod.createCameraProber === 'function')
    return (mod.createCameraProber as (o: object) => Prober)({ logger: log.child({ part: 'camera' }) });
  if (typeof mod.probe === 'function') {
    return {
      probe: mod.probe as Prober['probe'],
      ...(typeof mod.snapshot === 'function'
        ? { snapshot: mod.snapshot as NonNullable<Prober['snapshot']> }
        : {}),
    };
  }
  log.warn({}, 'agent/src/camera has no createCameraProber or probe export; cameras are not probed');
  return null;
}
