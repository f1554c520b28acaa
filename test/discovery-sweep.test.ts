// Discovery against real peers: snmpd and snmpsim on loopback addresses of their own (one SNMP port number for
// all, as on a real LAN), a GStreamer RTSP server, and a network namespace whose /24 holds a camera (RTSP on
// 554, answering ONVIF WS-Discovery), an snmpd and addresses no one holds. The sweep must find exactly the hosts
// that answer, each with the credential that worked, and never send a community to a silent address.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { runDiscovery } from '@outpost/agent';
import { DiscoverArgsSchema, type DiscoveredHost } from '@outpost/protocol';
import { createTestNetns, netnsUnavailable, type TestNetns } from './support/netns.js';
import { IN_CI, needPeers } from './support/peers.js';
import { type RtspServer, startRtspServer } from './support/rtsp-server.js';
import { freeUdpPort, type RunningSnmpd, startSnmpd } from './support/snmpd.js';
import { type RunningSnmpsim, startSnmpsim } from './support/snmpsim.js';

const skip = needPeers('snmpd', 'snmpsimd', 'fping', '/usr/bin/python3') || netnsSkip();

function netnsSkip(): false | string {
  const why = netnsUnavailable();
  if (!why) return false;
  if (IN_CI) throw new Error(`CI=true: ${why}`);
  console.log(`# skipped: ${why}`);
  return why;
}

describe('discovery sweep against real peers', { skip, timeout: 120_000 }, () => {
  const b = randomBytes(2);
  const lo = `127.${100 + (b[0]! % 100)}.${b[1]}`;
  let ns: TestNetns;
  let snmpPort: number;
  let rtspPort: number;
  const stops: (() => Promise<void>)[] = [];
  let snmpdA: RunningSnmpd;
  let snmpdB: RunningSnmpd;
  let snmpdNs: RunningSnmpd;
  let sim: RunningSnmpsim;
  let camera: RtspServer;
  let nsCamera: RtspServer;

  before(async () => {
    ns = createTestNetns();
    ns.addAddress(`${ns.net}.4`);
    snmpPort = await freeUdpPort();
    // One SNMP port number at every address, as a real LAN has 161.
    [snmpdA, snmpdB, sim, snmpdNs] = await Promise.all([
      startSnmpd({ host: `${lo}.1`, port: snmpPort, allowFrom: 'default', sysName: 'lo-snmpd-a' }),
      startSnmpd({ host: `${lo}.2`, port: snmpPort, allowFrom: 'default', sysName: 'lo-snmpd-b' }),
      startSnmpsim({
        host: `${lo}.3`,
        port: snmpPort,
        communities: [`sim${randomBytes(4).toString('hex')}`],
      }),
      startSnmpd({
        host: `${ns.net}.4`,
        port: snmpPort,
        netns: ns.name,
        allowFrom: 'default',
        sysName: 'ns-snmpd',
      }),
    ]);
    stops.push(
      () => snmpdA.stop(),
      () => snmpdB.stop(),
      () => sim.stop(),
      () => snmpdNs.stop(),
    );
    camera = await startRtspServer({ address: `${lo}.4` });
    rtspPort = camera.port;
    stops.push(() => camera.stop());
    nsCamera = await startRtspServer({
      address: ns.answering,
      port: 554,
      netns: ns.name,
      onvifName: 'Gate camera',
    });
    stops.push(() => nsCamera.stop());
  });
  after(async () => {
    await Promise.allSettled(stops.map((s) => s()));
    ns?.remove();
  });

  const credentials = () => ({
    snmp: [
      { id: 1, snmp: { version: '2c' as const, community: snmpdA.community } },
      {
        id: 2,
        snmp: {
          version: '3' as const,
          username: snmpdB.v3.user,
          security_level: 'authPriv' as const,
          auth_protocol: 'sha' as const,
          auth_key: snmpdB.v3.authKey!,
          priv_protocol: 'aes' as const,
          priv_key: snmpdB.v3.privKey!,
        },
      },
      { id: 3, snmp: { version: '2c' as const, community: sim.communities[0]! } },
      { id: 4, snmp: { version: '2c' as const, community: snmpdNs.community } },
    ],
    cameras: [],
  });

  async function run(): Promise<{
    hosts: Map<string, DiscoveredHost>;
    streamed: string[];
    summary: Awaited<ReturnType<typeof runDiscovery>>;
  }> {
    const args = DiscoverArgsSchema.parse({
      cidrs: [`${lo}.0/29`, `${ns.net}.0/29`],
      snmp_port: snmpPort,
      ports: [554, rtspPort],
      rate_pps: 400,
      concurrency: 16,
      timeout_ms: 700,
    });
    const streamed: string[] = [];
    const summary = await runDiscovery(args, credentials(), {
      host: (h) => streamed.push(h.ip),
      progress() {},
      log() {},
    });
    return { hosts: new Map((summary.hosts ?? []).map((h) => [h.ip, h])), streamed, summary };
  }

  it('finds exactly the answering hosts, with the credential that worked on each', async () => {
    const { hosts, streamed, summary } = await run();
    const want = [
      ...[1, 2, 3, 4, 5, 6].map((n) => `${lo}.${n}`), // every loopback address answers ping
      // not ns.hostAddress: the agent's own address is not probed
      ns.answering,
      `${ns.net}.4`,
    ].sort();
    assert.deepEqual([...hosts.keys()].sort(), want, JSON.stringify(summary.warnings));
    assert.deepEqual([...streamed].sort(), want, 'every host streamed once');
    assert.equal(summary.addresses, 11);
    assert.equal(summary.host_count, 8);

    const a = hosts.get(`${lo}.1`)!;
    assert.equal(a.snmp?.credential_id, 1);
    assert.equal(a.snmp?.sys.name, 'lo-snmpd-a');
    assert.equal(a.snmp?.port, snmpPort);
    assert.deepEqual(a.seen_by, ['icmp', 'snmp']);
    assert.equal(a.guess.kind, 'device');
    assert.equal(hosts.get(`${lo}.2`)?.snmp?.credential_id, 2);
    assert.equal(hosts.get(`${lo}.2`)?.snmp?.version, '3');
    const s = hosts.get(`${lo}.3`)!;
    assert.equal(s.snmp?.credential_id, 3);
    assert.deepEqual(s.guess, { kind: 'device', type: 'switch', vendor: 'Cisco' });
    const cam = hosts.get(`${lo}.4`)!;
    assert.equal(cam.guess.kind, 'camera');
    assert.deepEqual(
      cam.ports?.map((p) => [p.port, p.rtsp?.status]),
      [[rtspPort, 200]],
    );
    assert.equal(hosts.get(`${lo}.5`)?.snmp, undefined);
    assert.deepEqual(hosts.get(`${lo}.5`)?.seen_by, ['icmp']);

    const gate = hosts.get(ns.answering)!;
    assert.equal(gate.guess.kind, 'camera');
    assert.equal(gate.onvif?.name, 'Gate camera');
    assert.deepEqual(
      gate.ports?.map((p) => [p.port, p.rtsp?.status]),
      [[554, 200]],
    );
    assert.match(gate.mac ?? '', /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, 'MAC from the neighbour table');
    assert.deepEqual(gate.seen_by, ['icmp', 'tcp', 'onvif']);
    const nsSnmp = hosts.get(`${ns.net}.4`)!;
    assert.equal(nsSnmp.snmp?.credential_id, 4);
    assert.equal(nsSnmp.mac, gate.mac, 'both addresses sit on the namespace end of the veth');

    assert.equal(summary.packets.wsd, 1);
    assert.equal(summary.packets.tcp, 22);
    assert.ok(summary.packets.icmp >= 11 + 3, `ICMP: ${summary.packets.icmp}`);
  });

  it('finds the same hosts again on a second sweep', async () => {
    const first = await run();
    const second = await run();
    assert.deepEqual([...second.hosts.keys()].sort(), [...first.hosts.keys()].sort());
    for (const [ip, h] of second.hosts)
      assert.equal(h.snmp?.credential_id, first.hosts.get(ip)?.snmp?.credential_id);
  });
});
