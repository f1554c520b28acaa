import {
  type CredentialSetConfig,
  checkRanges,
  type DiscoverArgs,
  type DiscoveredHost,
  type DiscoverSummary,
} from '@outpost/protocol';
import { localAddresses } from './local-network.js';
import { realProbes } from './probes.js';
import type { CameraCandidate } from './rtsp-probe.js';
import type { SnmpCandidate } from './snmp-probe.js';
import { type SweepProbes, type SweepSink, sweep } from './sweep.js';

export { type PingSweep, parseFpingSweep, pingSweep } from './fping.js';
export {
  localAddresses,
  parseProcArp,
  parseProcRoute,
  readGateways,
  readNeighbours,
} from './local-network.js';
export { createPacer, type Pacer } from './pacer.js';
export { type SweepPlan, type SweepProbes, type SweepSink, sweep } from './sweep.js';
export { parseProbeMatches, probeMessage, wsDiscover } from './wsd.js';

/** The credentials a discover command tries: the sets it names (in that order) or every set of the config. */
export function credentialsFor(
  args: Pick<DiscoverArgs, 'credential_set_ids' | 'community'>,
  sets: readonly CredentialSetConfig[],
): { snmp: SnmpCandidate[]; cameras: CameraCandidate[] } | { missing: number } {
  let chosen: CredentialSetConfig[] = [...sets];
  if (args.credential_set_ids) {
    chosen = [];
    for (const id of args.credential_set_ids) {
      const set = sets.find((s) => s.id === id);
      if (!set) return { missing: id };
      chosen.push(set);
    }
  }
  const snmp: SnmpCandidate[] = args.community
    ? [{ snmp: { version: '2c', community: args.community } }]
    : [];
  for (const s of chosen) for (const c of s.snmp) snmp.push({ id: c.id, snmp: c.snmp });
  return { snmp, cameras: chosen.flatMap((s) => s.camera) };
}

/** Runs a discover command's sweep with the real probes. */
export async function runDiscovery(
  args: DiscoverArgs,
  credentials: { snmp: SnmpCandidate[]; cameras: CameraCandidate[] },
  sink: SweepSink,
  signal?: AbortSignal,
  probes?: SweepProbes,
): Promise<DiscoverSummary> {
  const checked = checkRanges(args.cidrs, { maxPrefixWidth: 16 });
  if (!checked.ok) throw new Error(checked.error);
  const plan = {
    ranges: checked.ranges,
    ports: args.ports,
    snmpPort: args.snmp_port,
    concurrency: args.concurrency,
    timeoutMs: args.timeout_ms,
    onvif: args.onvif,
    snmp: credentials.snmp,
    cameras: credentials.cameras,
    skip: new Set(localAddresses().map((l) => l.address)),
  };
  const real = probes ? null : realProbes(plan, args);
  try {
    return await sweep(plan, probes ?? real!, sink, signal);
  } finally {
    real?.close();
  }
}

export type { DiscoveredHost };
