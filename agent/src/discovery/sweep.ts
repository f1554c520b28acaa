import {
  type DiscoveredHost,
  type DiscoverSummary,
  formatIpv4,
  formatRange,
  guessDevice,
  hostAddresses,
  type Ipv4Range,
} from '@outpost/protocol';
import { createLimiter } from '../snmp/limiter.js';
import type { Neighbour } from './local-network.js';
import type { Pacer } from './pacer.js';
import type { CameraCandidate, PortFinding } from './rtsp-probe.js';
import type { SnmpCandidate, SnmpFinding } from './snmp-probe.js';
import type { OnvifMatch } from './wsd.js';

export interface SweepPlan {
  ranges: readonly Ipv4Range[];
  ports: readonly number[];
  snmpPort: number;
  concurrency: number;
  timeoutMs: number;
  onvif: boolean;
  snmp: readonly SnmpCandidate[];
  cameras: readonly CameraCandidate[];
  /** Addresses not to probe: the agent's own. */
  skip?: ReadonlySet<string>;
}

/** The probes a sweep runs: the real ones in ./probes.ts, recording fakes in tests. */
export interface SweepProbes {
  pacer: Pacer;
  ping(
    addresses: readonly string[],
    signal?: AbortSignal,
  ): Promise<{ alive: Map<string, number>; sent: number; unavailable?: string }>;
  snmp(ip: string, engineFirst: boolean, signal?: AbortSignal): Promise<SnmpFinding>;
  port(ip: string, port: number, signal?: AbortSignal): Promise<PortFinding>;
  /** WS-Discovery on the links facing the ranges; `skipped` says why it did not run. */
  onvif(
    signal?: AbortSignal,
  ): Promise<{ matches: Map<string, OnvifMatch>; sent: number; errors: string[]; skipped?: string }>;
  neighbours(): Promise<Neighbour[]>;
  now(): number;
}

export interface SweepSink {
  host(host: DiscoveredHost): void;
  progress(percent: number): void;
  log(line: string, level?: 'info' | 'warn'): void;
}

/** What one address gave, before it becomes a host (or nothing). */
interface Finding {
  ip: string;
  rtt?: number;
  snmp?: SnmpFinding;
  ports: PortFinding[];
  onvif?: OnvifMatch;
}

/** The host record of a finding, or null when nothing answered at the address. */
export function hostOf(f: Finding, mac: string | undefined): DiscoveredHost | null {
  const seen: DiscoveredHost['seen_by'] = [];
  if (f.rtt !== undefined) seen.push('icmp');
  if (f.snmp?.engine) seen.push('snmp');
  const open = f.ports.filter((p) => p.open);
  if (open.length > 0) seen.push('tcp');
  if (f.onvif) seen.push('onvif');
  if (seen.length === 0) return null;
  const sys = f.snmp?.credential ? f.snmp.sys : undefined;
  const rtsp = open.some((p) => p.rtsp);
  const g = sys ? guessDevice(sys.object_id, sys.descr) : undefined;
  const camera = !!f.onvif || (rtsp && (!g || g.type === 'camera' || g.type === 'other'));
  const guess: DiscoveredHost['guess'] = camera
    ? { kind: 'camera', type: 'camera', ...(g?.vendor ? { vendor: g.vendor } : {}) }
    : g
      ? {
          kind: 'device',
          type: g.type,
          ...(g.vendor ? { vendor: g.vendor } : {}),
          ...(g.profile ? { profile: g.profile } : {}),
        }
      : { kind: 'host', type: 'other' };
  const host: DiscoveredHost = { ip: f.ip, seen_by: seen, guess };
  if (mac) host.mac = mac;
  if (f.rtt !== undefined) host.icmp_rtt_ms = f.rtt;
  if (f.snmp?.credential && sys) {
    const c = f.snmp.credential;
    host.snmp = {
      version: c.snmp.version,
      port: 0,
      sys,
      ...(c.id !== undefined ? { credential_id: c.id } : {}),
    };
  } else if (f.snmp?.engine) host.snmp_no_credential = true;
  if (open.length > 0) host.ports = open.map((p) => ({ port: p.port, ...(p.rtsp ? { rtsp: p.rtsp } : {}) }));
  if (f.onvif) {
    const { ip: _ip, ...rest } = f.onvif;
    host.onvif = rest;
  }
  return host;
}

/** Most bytes of hosts repeated in the final result: beyond, they travel only in `running` results. */
const FINAL_HOSTS_BYTES = 160 * 1024;

/**
 * Sweeps the ranges: an ICMP pass over every address first (fping, paced), WS-Discovery alongside it, then each
 * address, at most `concurrency` at once and every packet paced: SNMP with each credential (for addresses that
 * did not answer ping, only after an SNMPv3 engine answers discovery), and a TCP connection to each port (RTSP
 * OPTIONS on the open ones). Hosts are handed to the sink as soon as they are complete.
 */
export async function sweep(
  plan: SweepPlan,
  probes: SweepProbes,
  sink: SweepSink,
  signal?: AbortSignal,
): Promise<DiscoverSummary> {
  const start = probes.now();
  const all = plan.ranges.flatMap((r) => hostAddresses(r).map(formatIpv4));
  const addresses = plan.skip ? all.filter((a) => !plan.skip!.has(a)) : all;
  const warnings: string[] = [];
  const packets = { icmp: 0, snmp: 0, tcp: 0, rtsp: 0, wsd: 0 };
  if (addresses.length < all.length)
    sink.log(`not probing the agent's own address ${all.filter((a) => plan.skip?.has(a)).join(', ')}`);
  sink.log(
    `sweeping ${addresses.length} addresses in ${plan.ranges.map(formatRange).join(', ')}: ICMP, SNMP (${plan.snmp.length} credentials), TCP ${plan.ports.join(', ') || 'none'}${plan.onvif ? ', WS-Discovery' : ''}`,
  );

  const noOnvif = (err: Error) => ({
    matches: new Map<string, OnvifMatch>(),
    sent: 0,
    errors: [err.message],
  });
  const onvif = plan.onvif ? probes.onvif(signal).catch(noOnvif) : Promise.resolve(null);

  const ping = await probes.ping(addresses, signal);
  packets.icmp = ping.sent;
  if (ping.unavailable) {
    warnings.push(ping.unavailable);
    sink.log(ping.unavailable, 'warn');
  }
  sink.log(`ICMP: ${ping.alive.size} of ${addresses.length} addresses answered (${ping.sent} echo requests)`);
  sink.progress(20);

  const wsd = await onvif;
  if (wsd) {
    packets.wsd = wsd.sent;
    const skipped = 'skipped' in wsd ? wsd.skipped : undefined;
    if (skipped) warnings.push(skipped);
    for (const e of wsd.errors) warnings.push(e);
    sink.log(`WS-Discovery: ${wsd.matches.size} ONVIF devices answered${skipped ? ` (${skipped})` : ''}`);
  }

  let neighbours: Map<string, string> | null = null;
  let neighboursAt = Number.NEGATIVE_INFINITY;
  const macOf = async (ip: string) => {
    // The kernel learns a MAC while the probes run: re-read the table at most once a second.
    if (!neighbours || probes.now() - neighboursAt > 1_000) {
      neighbours = new Map((await probes.neighbours()).map((n) => [n.ip, n.mac]));
      neighboursAt = probes.now();
    }
    return neighbours.get(ip);
  };

  const hosts: DiscoveredHost[] = [];
  const limiter = createLimiter(plan.concurrency);
  let done = 0;
  await Promise.all(
    addresses.map((ip) =>
      limiter.run(async () => {
        signal?.throwIfAborted();
        const rtt = ping.alive.get(ip);
        const f: Finding = { ip, ports: [], ...(rtt !== undefined ? { rtt } : {}) };
        const match = wsd?.matches.get(ip);
        if (match) f.onvif = match;
        // SNMP and the ports of one address run side by side: a silent address costs one timeout, not several.
        const [snmp, ...ports] = await Promise.all([
          probes.snmp(ip, rtt === undefined, signal),
          ...plan.ports.map((port) => probes.port(ip, port, signal)),
        ]);
        f.snmp = snmp as SnmpFinding;
        packets.snmp += f.snmp.requests;
        for (const p of ports as PortFinding[]) {
          packets.tcp += p.tcp;
          packets.rtsp += p.rtspRequests;
          f.ports.push(p);
        }
        const host = hostOf(f, await macOf(ip));
        if (host) {
          if (host.snmp) host.snmp.port = plan.snmpPort;
          hosts.push(host);
          sink.host(host);
        }
        done++;
        if (done % Math.max(1, Math.floor(addresses.length / 40)) === 0)
          sink.progress(20 + (done / addresses.length) * 79);
      }),
    ),
  );
  const summary: DiscoverSummary = {
    ranges: plan.ranges.map(formatRange),
    addresses: addresses.length,
    answering: hosts.length,
    packets,
    duration_ms: Math.round(probes.now() - start),
    host_count: hosts.length,
    warnings: warnings.slice(0, 16).map((w) => w.slice(0, 1024)),
  };
  // The result repeats every host when they fit: a `running` result lost on the way costs nothing then.
  if (JSON.stringify(hosts).length <= FINAL_HOSTS_BYTES && hosts.length <= 1000)
    summary.hosts = hosts.sort((a, b) => ipOrder(a.ip) - ipOrder(b.ip));
  const total = Object.values(packets).reduce((a, b) => a + b, 0);
  sink.log(
    `found ${hosts.length} hosts in ${(summary.duration_ms / 1000).toFixed(1)} s; ${total} packets sent (ICMP ${packets.icmp}, SNMP ${packets.snmp}, TCP ${packets.tcp}, RTSP ${packets.rtsp}, WS-Discovery ${packets.wsd})`,
  );
  return summary;
}

function ipOrder(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}
