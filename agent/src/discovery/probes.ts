import { type DiscoverArgs, formatRange, type Ipv4Range } from '@outpost/protocol';
import { createNetSnmpTransport } from '../snmp/net-snmp-transport.js';
import type { SnmpTransport } from '../snmp/types.js';
import { pingSweep } from './fping.js';
import { addressesFacing, localAddresses, readNeighbours } from './local-network.js';
import { createPacer } from './pacer.js';
import { probePort } from './rtsp-probe.js';
import { probeSnmp } from './snmp-probe.js';
import type { SweepPlan, SweepProbes } from './sweep.js';
import { wsDiscover } from './wsd.js';

/** The real probes of a sweep: fping, net-snmp, TCP/RTSP and WS-Discovery, sharing one pacer. */
export function realProbes(
  plan: SweepPlan,
  args: Pick<DiscoverArgs, 'rate_pps' | 'timeout_ms'>,
  transport: SnmpTransport = createNetSnmpTransport({ maxInFlight: plan.concurrency, perDeviceInFlight: 1 }),
): SweepProbes & { close(): void } {
  const pacer = createPacer(args.rate_pps);
  return {
    pacer,
    ping: (addresses, signal) =>
      pingSweep(addresses, {
        ratePps: args.rate_pps,
        timeoutMs: args.timeout_ms,
        ...(signal ? { signal } : {}),
      }),
    snmp: (ip, engineFirst, signal) =>
      probeSnmp(transport, ip, plan.snmp, {
        port: plan.snmpPort,
        timeoutMs: args.timeout_ms,
        pacer,
        engineFirst,
        ...(signal ? { signal } : {}),
      }),
    port: (ip, port, signal) =>
      probePort(ip, port, plan.cameras, { timeoutMs: args.timeout_ms, pacer, ...(signal ? { signal } : {}) }),
    async onvif(signal) {
      const facing = addressesFacing(plan.ranges as Ipv4Range[], localAddresses());
      if (facing.length === 0)
        return {
          matches: new Map(),
          sent: 0,
          errors: [],
          skipped: `WS-Discovery skipped: it reaches only the agent's own links, and none faces ${plan.ranges.map(formatRange).join(', ')}`,
        };
      await pacer.take(facing.length, signal);
      return wsDiscover(
        facing.map((f) => f.address),
        { listenMs: Math.max(2_000, args.timeout_ms * 2), ...(signal ? { signal } : {}) },
      );
    },
    neighbours: () => readNeighbours(),
    now: () => performance.now(),
    close: () => transport.close(),
  };
}
