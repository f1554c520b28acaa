// bench:discovery: one discover sweep of a /24 in which 20 hosts answer, as the agent runs it (real fping,
// net-snmp, TCP/RTSP and WS-Discovery probes, default pacing), inside a network namespace this bench creates
// and removes: 20 addresses of the namespace's end answer ping; 5 of them run snmpd (two communities, tried
// after a wrong one), one runs GStreamer's RTSP server on 554 answering ONVIF WS-Discovery. Prints the time and
// the packets sent by protocol, median of BENCH_RUNS runs (default 3). Needs root (ip netns), fping, snmpd.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { runDiscovery } from '@outpost/agent';
import { DiscoverArgsSchema, type DiscoverSummary } from '@outpost/protocol';
import { createTestNetns } from '../test/support/netns.js';
import { type RtspServer, startRtspServer } from '../test/support/rtsp-server.js';
import { type RunningSnmpd, startSnmpd } from '../test/support/snmpd.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RATE = Number(process.env.BENCH_RATE_PPS ?? 100);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const ns = createTestNetns();
  const snmpds: RunningSnmpd[] = [];
  let camera: RtspServer | undefined;
  try {
    const answering = [ns.answering, ...Array.from({ length: 19 }, (_, i) => `${ns.net}.${10 + i}`)];
    for (const a of answering.slice(1)) ns.addAddress(a);
    const communities = [`c${randomBytes(4).toString('hex')}`, `c${randomBytes(4).toString('hex')}`];
    for (const [i, host] of answering.slice(1, 6).entries())
      snmpds.push(
        await startSnmpd({
          host,
          port: 161,
          netns: ns.name,
          allowFrom: 'default',
          community: communities[i % 2]!,
        }),
      );
    camera = await startRtspServer({
      address: ns.answering,
      port: 554,
      netns: ns.name,
      onvifName: 'bench camera',
    });
    const args = DiscoverArgsSchema.parse({ cidrs: [`${ns.net}.0/24`], rate_pps: RATE });
    const credentials = {
      snmp: [
        { id: 1, snmp: { version: '2c' as const, community: 'wrong-community' } },
        { id: 2, snmp: { version: '2c' as const, community: communities[0]! } },
        { id: 3, snmp: { version: '2c' as const, community: communities[1]! } },
      ],
      cameras: [],
    };
    const runs: { summary: DiscoverSummary; cpuMs: number }[] = [];
    for (let r = 0; r < RUNS; r++) {
      const cpu = process.cpuUsage();
      const summary = await runDiscovery(args, credentials, { host() {}, progress() {}, log() {} });
      const used = process.cpuUsage(cpu);
      runs.push({ summary, cpuMs: (used.user + used.system) / 1000 });
    }
    const s = runs.map((r) => r.summary);
    const packets = (k: keyof DiscoverSummary['packets']) => median(s.map((x) => x.packets[k]));
    const total = median(s.map((x) => Object.values(x.packets).reduce((a, b) => a + b, 0)));
    console.log(
      [
        '# outpost discovery sweep',
        `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), load average ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}, node ${process.version}`,
        `setup: ${ns.net}.0/24 (254 addresses, the agent's own skipped) in a network namespace; 20 answer ping, 5 of them snmpd (3 credentials tried in turn, the first wrong), 1 an RTSP camera on 554 with ONVIF; defaults: ${args.rate_pps} packets/s, ${args.concurrency} addresses at once, ${args.timeout_ms} ms per probe, ports ${args.ports.join(',')}; ${RUNS} runs`,
        `hosts found: ${s.map((x) => x.host_count).join(', ')} (per run)`,
        `time: median ${(median(s.map((x) => x.duration_ms)) / 1000).toFixed(1)} s (runs: ${s.map((x) => (x.duration_ms / 1000).toFixed(1)).join(', ')} s)`,
        `packets sent: median ${total} (ICMP ${packets('icmp')}, SNMP ${packets('snmp')}, TCP ${packets('tcp')}, RTSP ${packets('rtsp')}, WS-Discovery ${packets('wsd')}); ${(total / (median(s.map((x) => x.duration_ms)) / 1000)).toFixed(0)} packets/s on average (bound ${args.rate_pps})`,
        `agent CPU: median ${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms per sweep (this process, fping's own excluded)`,
      ].join('\n'),
    );
  } finally {
    await camera?.stop();
    await Promise.allSettled(snmpds.map((d) => d.stop()));
    ns.remove();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
