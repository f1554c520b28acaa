import { CHECK_UNITS } from '../checks/index.js';
import type { SnmpLogger } from './poller.js';
import type { PingProbe } from './timeout-evidence.js';

/**
 * One echo through the icmp check kind (Debian's fping). When fping is missing or may not open an ICMP socket,
 * the probe answers undefined (no evidence) and says why once, at debug level.
 */
export function fpingProbe(log: SnmpLogger): PingProbe {
  let told = false;
  return async (host, timeoutMs) => {
    try {
      const icmp = await CHECK_UNITS.get('icmp')!.load();
      const out = await icmp.run(
        { host, count: 1, interval_ms: 20 },
        // The unit waits a little less than timeoutMs for the echo; the signal only stops a stuck fping.
        { signal: AbortSignal.timeout(timeoutMs + 1_000), timeoutMs: timeoutMs + 200 },
      );
      return out.status === 'up';
    } catch (err) {
      if (!told) {
        told = true;
        log.debug(
          { err: err instanceof Error ? err.message : String(err) },
          'no ICMP evidence for SNMP timeouts: fping cannot ping from this agent',
        );
      }
      return undefined;
    }
  };
}
