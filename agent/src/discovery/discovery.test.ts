import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCidr4 } from '@outpost/protocol';
import { fpingUnavailable, parseFpingSweep } from './fping.js';
import { credentialsFor } from './index.js';
import { addressesFacing, localAddresses, parseProcArp, parseProcRoute } from './local-network.js';
import { createPacer, type PacerClock } from './pacer.js';
import type { PortFinding } from './rtsp-probe.js';
import type { SnmpFinding } from './snmp-probe.js';
import { type SweepPlan, type SweepProbes, sweep } from './sweep.js';
import { parseProbeMatches, probeMessage } from './wsd.js';

function fakeClock(): PacerClock & { t: number; sleeps: number[] } {
  const c = {
    t: 0,
    sleeps: [] as number[],
    now: () => c.t,
    async sleep(ms: number) {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

describe('pacer', () => {
  it('grants at most rate packets a second, however many ask at once', async () => {
    const clock = fakeClock();
    const pacer = createPacer(100, clock);
    const times: number[] = [];
    for (let i = 0; i < 250; i++) {
      await pacer.take(1);
      times.push(clock.t);
    }
    assert.equal(pacer.granted, 250);
    // 250 packets at 100/s: the last one goes out 2.49 s after the first.
    assert.ok(Math.abs(times.at(-1)! - 2490) < 1e-6, String(times.at(-1)));
    for (let i = 100; i < times.length; i++) assert.ok(times[i]! - times[i - 100]! >= 1000 - 1e-6);
  });

  it('books n packets at once (an SNMPv3 request and its engine discovery)', async () => {
    const clock = fakeClock();
    const pacer = createPacer(10, clock);
    await pacer.take(2);
    await pacer.take(1);
    assert.equal(clock.t, 200);
  });

  it('does not save up an idle spell as a burst', async () => {
    const clock = fakeClock();
    const pacer = createPacer(10, clock);
    await pacer.take();
    clock.t += 10_000;
    await pacer.take();
    await pacer.take();
    assert.deepEqual(clock.sleeps, [100]);
  });
});

describe('fping sweep output', () => {
  it('reads the alive addresses, their round trips and the echo requests sent', () => {
    const out = parseFpingSweep(
      '192.0.2.1 (0.05 ms)\n192.0.2.7 (12.3 ms)\n',
      '\n     254 targets\n       2 alive\n     252 unreachable\n\n     506 ICMP Echos sent\n       2 ICMP Echo Replies received\n',
    );
    assert.deepEqual(
      [...out.alive],
      [
        ['192.0.2.1', 0.05],
        ['192.0.2.7', 12.3],
      ],
    );
    assert.equal(out.sent, 506);
  });

  it('says what the service needs when fping may not open a socket', () => {
    assert.match(
      fpingUnavailable("fping: can't create socket (must run as root?)", undefined) ?? '',
      /CAP_NET_RAW/,
    );
    assert.match(fpingUnavailable('', 'ENOENT') ?? '', /apt-get install fping/);
    assert.equal(fpingUnavailable('', undefined), undefined);
  });
});

describe("the agent's own network", () => {
  it('reads complete entries of /proc/net/arp', () => {
    const text = [
      'IP address       HW type     Flags       HW address            Mask     Device',
      '192.0.2.1        0x1         0x2         00:1A:2B:3C:4D:01     *        eth0',
      '192.0.2.9        0x1         0x0         00:00:00:00:00:00     *        eth0',
      '192.0.2.20       0x1         0x6         02:00:00:00:00:14     *        eth0',
    ].join('\n');
    assert.deepEqual(parseProcArp(text), [
      { ip: '192.0.2.1', mac: '00:1a:2b:3c:4d:01', interface: 'eth0' },
      { ip: '192.0.2.20', mac: '02:00:00:00:00:14', interface: 'eth0' },
    ]);
  });

  it('reads default gateways from /proc/net/route (little-endian hex)', () => {
    const text = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0',
      'eth0\t000200C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0',
    ].join('\n');
    assert.deepEqual(parseProcRoute(text), [{ ip: '192.0.2.1', interface: 'eth0' }]);
  });

  it('picks the local links that face a range', () => {
    const local = localAddresses({
      eth0: [
        {
          address: '192.0.2.5',
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: '02:00:00:00:00:05',
          internal: false,
          cidr: '192.0.2.5/24',
        },
      ],
      eth1: [
        {
          address: '198.51.100.5',
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: '02:00:00:00:00:06',
          internal: false,
          cidr: '198.51.100.5/24',
        },
      ],
      lo: [
        {
          address: '127.0.0.1',
          netmask: '255.0.0.0',
          family: 'IPv4',
          mac: '00:00:00:00:00:00',
          internal: true,
          cidr: '127.0.0.1/8',
        },
      ],
    });
    const r = parseCidr4('192.0.2.128/25');
    assert.ok(!('error' in r));
    assert.deepEqual(
      addressesFacing([r], local).map((l) => l.interface),
      ['eth0'],
    );
  });
});

describe('WS-Discovery', () => {
  it('probes for ONVIF video transmitters with the message id it will match', () => {
    const p = probeMessage('uuid:1234');
    assert.match(p, /<w:MessageID>uuid:1234<\/w:MessageID>/);
    assert.match(p, /<d:Types>dn:NetworkVideoTransmitter<\/d:Types>/);
  });

  const match = (relates: string) => `<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">
<SOAP-ENV:Header><wsa:RelatesTo>${relates}</wsa:RelatesTo></SOAP-ENV:Header>
<SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch>
<wsa:EndpointReference><wsa:Address>urn:uuid:abc</wsa:Address></wsa:EndpointReference>
<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>
<d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/name/Entrance%20cam onvif://www.onvif.org/hardware/DS-2CD2143G0-I onvif://www.onvif.org/location/lobby</d:Scopes>
<d:XAddrs>http://192.0.2.20/onvif/device_service</d:XAddrs>
<d:MetadataVersion>1</d:MetadataVersion>
</d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>`;

  it('reads a ProbeMatch: addresses, types and the name, hardware and location scopes', () => {
    assert.deepEqual(parseProbeMatches(match('uuid:1'), '192.0.2.20', 'uuid:1'), {
      ip: '192.0.2.20',
      xaddrs: ['http://192.0.2.20/onvif/device_service'],
      types: ['dn:NetworkVideoTransmitter', 'tds:Device'],
      name: 'Entrance cam',
      hardware: 'DS-2CD2143G0-I',
      location: 'lobby',
    });
  });

  it('ignores answers to another probe, and garbage', () => {
    assert.equal(parseProbeMatches(match('uuid:2'), '192.0.2.20', 'uuid:1'), null);
    assert.equal(parseProbeMatches('<not xml', '192.0.2.20'), null);
    assert.equal(parseProbeMatches('<a><b/></a>', '192.0.2.20'), null);
  });
});

describe('credentials a discover command tries', () => {
  const sets = [
    {
      id: 1,
      name: 'site',
      snmp: [{ id: 11, snmp: { version: '2c' as const, community: 'site-c' } }],
      camera: [],
    },
    {
      id: 2,
      name: 'global',
      snmp: [{ id: 21, snmp: { version: '2c' as const, community: 'global-c' } }],
      camera: [{ id: 22, username: 'admin', password: 'pw' }],
    },
  ];
  it('tries every set of the config in order, the command community first', () => {
    const c = credentialsFor({ community: 'legacy' }, sets);
    assert.ok(!('missing' in c));
    assert.deepEqual(
      c.snmp.map((x) => x.id ?? 'legacy'),
      ['legacy', 11, 21],
    );
    assert.deepEqual(
      c.cameras.map((x) => x.id),
      [22],
    );
  });
  it('tries only the named sets, in the order named, and names a set the config lacks', () => {
    const c = credentialsFor({ credential_set_ids: [2, 1] }, sets);
    assert.ok(!('missing' in c));
    assert.deepEqual(
      c.snmp.map((x) => x.id),
      [21, 11],
    );
    assert.deepEqual(credentialsFor({ credential_set_ids: [3] }, sets), { missing: 3 });
  });
});

describe('sweep', () => {
  const range = parseCidr4('192.0.2.0/29');
  assert.ok(!('error' in range));
  const plan: SweepPlan = {
    ranges: [range],
    ports: [554],
    snmpPort: 161,
    concurrency: 4,
    timeoutMs: 100,
    onvif: true,
    snmp: [
      { id: 1, snmp: { version: '2c', community: 'a' } },
      { id: 2, snmp: { version: '2c', community: 'b' } },
    ],
    cameras: [],
  };

  function probes(): SweepProbes & { calls: string[] } {
    const calls: string[] = [];
    // .1 a switch (answers ping, community b), .2 a camera (ping, RTSP), .3 silent but SNMPv3 engine answers
    // to no credential, .4 an ONVIF camera that blocks ping, the rest silent.
    return {
      calls,
      pacer: createPacer(1e6, fakeClock()),
      async ping(addresses) {
        calls.push(`ping ${addresses.length}`);
        return {
          alive: new Map([
            ['192.0.2.1', 0.4],
            ['192.0.2.2', 1.1],
          ]),
          sent: addresses.length + 4,
        };
      },
      async snmp(ip, engineFirst): Promise<SnmpFinding> {
        calls.push(`snmp ${ip}${engineFirst ? ' engine-first' : ''}`);
        if (ip === '192.0.2.1')
          return {
            engine: true,
            requests: 2,
            credential: plan.snmp[1]!,
            sys: { name: 'core-sw', object_id: '1.3.6.1.4.1.9.1.516', descr: 'Cisco IOS Software, C3750' },
          };
        if (ip === '192.0.2.3') return { engine: true, requests: 3 };
        return { engine: false, requests: engineFirst ? 1 : 2 };
      },
      async port(ip, port): Promise<PortFinding> {
        if (ip === '192.0.2.2')
          return {
            port,
            open: true,
            rtsp: { status: 200, server: 'GStreamer RTSP server' },
            tcp: 1,
            rtspRequests: 1,
          };
        return { port, open: false, tcp: 1, rtspRequests: 0 };
      },
      async onvif() {
        return {
          matches: new Map([
            [
              '192.0.2.4',
              {
                ip: '192.0.2.4',
                xaddrs: ['http://192.0.2.4/onvif/device_service'],
                types: ['dn:NetworkVideoTransmitter'],
                name: 'Gate',
              },
            ],
          ]),
          sent: 1,
          errors: [],
        };
      },
      async neighbours() {
        return [{ ip: '192.0.2.1', mac: '02:00:00:00:00:01', interface: 'eth0' }];
      },
      now: () => 0,
    };
  }

  it('finds exactly the addresses that answered something, and tells what each is', async () => {
    const p = probes();
    const found: string[] = [];
    const s = await sweep(plan, p, { host: (h) => found.push(h.ip), progress() {}, log() {} });
    assert.deepEqual(found.sort(), ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']);
    const byIp = new Map(s.hosts!.map((h) => [h.ip, h]));
    assert.deepEqual(byIp.get('192.0.2.1'), {
      ip: '192.0.2.1',
      mac: '02:00:00:00:00:01',
      seen_by: ['icmp', 'snmp'],
      icmp_rtt_ms: 0.4,
      snmp: {
        version: '2c',
        port: 161,
        credential_id: 2,
        sys: { name: 'core-sw', object_id: '1.3.6.1.4.1.9.1.516', descr: 'Cisco IOS Software, C3750' },
      },
      guess: { kind: 'device', type: 'switch', vendor: 'Cisco' },
    });
    assert.deepEqual(byIp.get('192.0.2.2')?.guess, { kind: 'camera', type: 'camera' });
    assert.deepEqual(byIp.get('192.0.2.2')?.ports, [
      { port: 554, rtsp: { status: 200, server: 'GStreamer RTSP server' } },
    ]);
    assert.equal(byIp.get('192.0.2.3')?.snmp_no_credential, true);
    assert.deepEqual(byIp.get('192.0.2.3')?.seen_by, ['snmp']);
    assert.deepEqual(byIp.get('192.0.2.4')?.seen_by, ['onvif']);
    assert.equal(byIp.get('192.0.2.4')?.onvif?.name, 'Gate');
    assert.equal(s.addresses, 6);
    assert.equal(s.answering, 4);
    assert.equal(s.host_count, 4);
    // ICMP 10, SNMP 2 + 2 (alive) + 3 + 1 + 1 + 1 (engine-first), TCP one per address, RTSP 1, WS-Discovery 1.
    assert.deepEqual(s.packets, { icmp: 10, snmp: 10, tcp: 6, rtsp: 1, wsd: 1 });
  });

  it('asks only SNMPv3 engine discovery first at addresses that did not answer ping', async () => {
    const p = probes();
    await sweep(plan, p, { host() {}, progress() {}, log() {} });
    assert.ok(p.calls.includes('snmp 192.0.2.1'));
    assert.ok(p.calls.includes('snmp 192.0.2.5 engine-first'));
    assert.ok(!p.calls.includes('snmp 192.0.2.2 engine-first'));
  });

  it('stops when its signal aborts', async () => {
    const p = probes();
    const ac = new AbortController();
    ac.abort(new Error('cancelled'));
    await assert.rejects(sweep(plan, p, { host() {}, progress() {}, log() {} }, ac.signal), /cancelled/);
  });
});
