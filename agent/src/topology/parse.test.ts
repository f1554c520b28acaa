import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeVb } from '../snmp/fake-transport.js';
import { SnmpType, type SnmpVarbind } from '../snmp/types.js';
import { agentNetworkOf } from './agent-network.js';
import { BRIDGE, CDP, IF, LLDP, TOPOLOGY_WALKS, type TopologyWalk } from './mibs.js';
import { parseTopology } from './parse.js';

const bytes = (oid: string, b: number[]): SnmpVarbind => ({
  oid,
  type: SnmpType.OctetString,
  value: Buffer.from(b),
});
const mac = (s: string) => s.split(':').map((h) => Number.parseInt(h, 16));
const idx = (s: string) => mac(s).join('.');

function input(rows: Partial<Record<TopologyWalk, SnmpVarbind[]>>, scalars: SnmpVarbind[] = []) {
  return {
    scalars: new Map(scalars.map((v) => [v.oid, v])),
    walks: new Map(Object.entries(rows) as [TopologyWalk, SnmpVarbind[]][]),
  };
}

const ifRows = {
  ifName: [
    fakeVb.str(`${IF.name}.1`, 'Gi0/1'),
    fakeVb.str(`${IF.name}.2`, 'Gi0/2'),
    fakeVb.str(`${IF.name}.24`, 'Gi0/24'),
  ],
  ifDescr: [
    fakeVb.str(`${IF.descr}.1`, 'GigabitEthernet0/1'),
    fakeVb.str(`${IF.descr}.24`, 'GigabitEthernet0/24'),
  ],
  ifPhysAddress: [bytes(`${IF.physAddress}.1`, mac('00:1a:2b:00:00:01')), bytes(`${IF.physAddress}.2`, [])],
};

describe('topology tables', () => {
  it('names interfaces from ifName (else ifDescr) with their MACs', () => {
    const t = parseTopology(input(ifRows));
    assert.deepEqual(t.interfaces, [
      { index: 1, name: 'Gi0/1', mac: '00:1a:2b:00:00:01' },
      { index: 2, name: 'Gi0/2' },
      { index: 24, name: 'Gi0/24' },
    ]);
  });

  it('reads LLDP neighbours, mapping the local port number to an ifIndex through its name', () => {
    const rem = (
      col: number,
      port: number,
      v: SnmpVarbind['value'],
      type: number = SnmpType.OctetString,
    ) => ({
      oid: `${LLDP.remEntry}.${col}.0.${port}.1`,
      type,
      value: v,
    });
    const t = parseTopology(
      input(
        {
          ...ifRows,
          // Local port 51 is "Gi0/24" (the device numbers LLDP ports its own way).
          lldpLocPortId: [fakeVb.str(`${LLDP.locPortId}.51`, 'Gi0/24')],
          lldpRem: [
            rem(4, 51, 4, SnmpType.Integer),
            rem(5, 51, Buffer.from(mac('00:1a:2b:00:99:00'))),
            rem(6, 51, 5, SnmpType.Integer),
            rem(7, 51, Buffer.from('Gi1/0/48')),
            rem(9, 51, Buffer.from('core-sw')),
            rem(12, 51, Buffer.from([0x28, 0x00])), // bridge, router
          ],
          lldpManAddr: [
            { oid: `${LLDP.remManAddrIfSubtype}.0.51.1.1.4.192.0.2.2`, type: SnmpType.Integer, value: 2 },
          ],
        },
        [fakeVb.int(LLDP.locChassisIdSubtype, 4), bytes(LLDP.locChassisId, mac('00:1a:2b:00:00:00'))],
      ),
    );
    assert.equal(t.chassis_id, '00:1a:2b:00:00:00');
    assert.deepEqual(t.neighbours, [
      {
        protocol: 'lldp',
        local_if: 24,
        local_port: 'Gi0/24',
        chassis_id: '00:1a:2b:00:99:00',
        port_id: 'Gi1/0/48',
        sys_name: 'core-sw',
        mgmt_ip: '192.0.2.2',
        capabilities: ['bridge', 'router'],
      },
    ]);
  });

  it('reads the CDP cache (Cisco), with the address and the far port', () => {
    const c = (col: number, v: SnmpVarbind['value'], type: number = SnmpType.OctetString) => ({
      oid: `${CDP.cacheEntry}.${col}.2.7`,
      type,
      value: v,
    });
    const t = parseTopology(
      input({
        ...ifRows,
        cdp: [
          c(3, 1, SnmpType.Integer),
          c(4, Buffer.from([192, 0, 2, 9])),
          c(6, Buffer.from('ap-lobby.example.net')),
          c(7, Buffer.from('GigabitEthernet0')),
          c(8, Buffer.from('cisco AIR-AP2802I')),
        ],
      }),
    );
    assert.deepEqual(t.neighbours, [
      {
        protocol: 'cdp',
        local_if: 2,
        local_port: 'Gi0/2',
        chassis_id: 'ap-lobby.example.net',
        port_id: 'GigabitEthernet0',
        sys_descr: 'cisco AIR-AP2802I',
        sys_name: 'ap-lobby.example.net',
        mgmt_ip: '192.0.2.9',
      },
    ]);
  });

  it("prefers the Q-BRIDGE forwarding table (with VLANs), skips the bridge's own MACs, maps ports to ifIndex", () => {
    const t = parseTopology(
      input({
        basePortIfIndex: [
          fakeVb.int(`${BRIDGE.basePortIfIndex}.3`, 1),
          fakeVb.int(`${BRIDGE.basePortIfIndex}.26`, 24),
        ],
        qFdbPort: [
          fakeVb.int(`${BRIDGE.qTpFdbPort}.10.${idx('02:00:00:00:00:20')}`, 3),
          fakeVb.int(`${BRIDGE.qTpFdbPort}.10.${idx('02:00:00:00:00:99')}`, 26),
          fakeVb.int(`${BRIDGE.qTpFdbPort}.1.${idx('00:1a:2b:00:00:01')}`, 0),
        ],
        qFdbStatus: [
          fakeVb.int(`${BRIDGE.qTpFdbStatus}.10.${idx('02:00:00:00:00:20')}`, 3),
          fakeVb.int(`${BRIDGE.qTpFdbStatus}.10.${idx('02:00:00:00:00:99')}`, 3),
          fakeVb.int(`${BRIDGE.qTpFdbStatus}.1.${idx('00:1a:2b:00:00:01')}`, 4),
        ],
        // BRIDGE-MIB's table is ignored when Q-BRIDGE answered.
        fdbPort: [fakeVb.int(`${BRIDGE.tpFdbPort}.${idx('02:00:00:00:00:77')}`, 3)],
      }),
    );
    assert.deepEqual(t.fdb, [
      { mac: '02:00:00:00:00:20', bridge_port: 3, if_index: 1, vlan: 10 },
      { mac: '02:00:00:00:00:99', bridge_port: 26, if_index: 24, vlan: 10 },
    ]);
  });

  it('falls back to the BRIDGE-MIB forwarding table', () => {
    const t = parseTopology(
      input(
        {
          basePortIfIndex: [fakeVb.int(`${BRIDGE.basePortIfIndex}.3`, 1)],
          fdbPort: [fakeVb.int(`${BRIDGE.tpFdbPort}.${idx('02:00:00:00:00:77')}`, 3)],
          fdbStatus: [fakeVb.int(`${BRIDGE.tpFdbStatus}.${idx('02:00:00:00:00:77')}`, 3)],
        },
        [bytes(BRIDGE.baseBridgeAddress, mac('00:1a:2b:00:00:00'))],
      ),
    );
    assert.deepEqual(t.fdb, [{ mac: '02:00:00:00:00:77', bridge_port: 3, if_index: 1 }]);
    assert.equal(t.bridge_mac, '00:1a:2b:00:00:00');
  });

  it('reads the ARP cache from ipNetToPhysical and ipNetToMedia, each address once', () => {
    const t = parseTopology(
      input({
        arpPhysical: [bytes(`${TOPOLOGY_WALKS.arpPhysical}.5.1.4.192.0.2.20`, mac('02:00:00:00:00:20'))],
        arpMedia: [
          bytes(`${TOPOLOGY_WALKS.arpMedia}.5.192.0.2.20`, mac('02:00:00:00:00:20')),
          bytes(`${TOPOLOGY_WALKS.arpMedia}.5.192.0.2.21`, mac('02:00:00:00:00:21')),
        ],
      }),
    );
    assert.deepEqual(t.arp, [
      { ip: '192.0.2.20', mac: '02:00:00:00:00:20', if_index: 5 },
      { ip: '192.0.2.21', mac: '02:00:00:00:00:21', if_index: 5 },
    ]);
  });

  it('names the tables cut at their bound and those that failed', () => {
    const t = parseTopology({ ...input({}), truncated: ['fdbPort'], errors: ['cdp: timeout'] });
    assert.deepEqual(t.truncated, ['fdb']);
    assert.deepEqual(t.errors, ['cdp: timeout']);
  });
});

describe("the agent's own network", () => {
  it('lists interfaces with MACs and addresses, and gives the gateway its MAC from the neighbour table', () => {
    const n = agentNetworkOf(
      {
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
      },
      [{ ip: '192.0.2.1', interface: 'eth0' }],
      [{ ip: '192.0.2.1', mac: '02:00:00:00:00:01', interface: 'eth0' }],
    );
    assert.deepEqual(n, {
      interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:05', addresses: ['192.0.2.5/24'] }],
      gateways: [{ ip: '192.0.2.1', interface: 'eth0', mac: '02:00:00:00:00:01' }],
      neighbours: [{ ip: '192.0.2.1', mac: '02:00:00:00:00:01', interface: 'eth0' }],
    });
  });
});
