import snmp from 'net-snmp';
import type { DeviceKind } from '../device.js';
import { addInterfaces, addSystemGroup, addTable, type SimInterface } from '../mib.js';

const T = snmp.ObjectType;
/** The port the demo's access point hangs off (Gi1/0/18): its link follows the access point. */
export const AP_PORT = 18;
/** ifIndex of a port of this switch. */
export const portIfIndex = (port: number) => 10100 + port;

/** A 24-port access switch with two 10G uplinks; a few ports are down or shut. */
export const accessSwitch: DeviceKind = {
  kind: 'switch',
  name: 'demo-core-sw',
  vendor: 'Cisco',
  build(mib, bootedAt) {
    addSystemGroup(
      mib,
      {
        descr:
          'Cisco IOS Software, C3750 Software (C3750-IPSERVICESK9-M), Version 12.2(55)SE12, RELEASE SOFTWARE (fc2)',
        objectId: '1.3.6.1.4.1.9.1.516',
        name: 'demo-core-sw',
        location: 'Demo shop, comms cabinet',
        contact: 'noc@example.net',
      },
      bootedAt,
    );
    const interfaces: SimInterface[] = [];
    for (let p = 1; p <= 24; p++) {
      const shut = p === 23;
      const unplugged = p === 17 || p === 24;
      interfaces.push({
        index: 10100 + p,
        name: `Gi1/0/${p}`,
        alias: p <= 8 ? `desk-${p}` : p <= 16 ? `camera-${p - 8}` : p === AP_PORT ? 'demo-ap-floor1' : '',
        speedMbps: 1000,
        adminUp: !shut,
        operUp: !shut && !unplugged,
        inOctets: BigInt(Math.floor(Math.random() * 1e12)),
        outOctets: BigInt(Math.floor(Math.random() * 1e12)),
        inErrors: 0,
        load: 0.01 + Math.random() * 0.08,
      });
    }
    for (let u = 1; u <= 2; u++) {
      interfaces.push({
        index: 10200 + u,
        name: `Te1/0/${u}`,
        alias: u === 1 ? 'uplink to demo-router' : 'uplink spare',
        speedMbps: 10_000,
        adminUp: true,
        operUp: u === 1,
        inOctets: BigInt(Math.floor(Math.random() * 1e14)),
        outOctets: BigInt(Math.floor(Math.random() * 1e14)),
        inErrors: 0,
        load: 0.05,
      });
    }
    addInterfaces(mib, interfaces);
    // ENTITY-MIB entPhysicalTable (names) and ENTITY-SENSOR-MIB entPhySensorTable (RFC 3433): an inlet
    // temperature, a fan's speed and the power supply's output, as IOS-XE switches report them.
    const temp = () => 31 + Math.round(Math.random() * 20) / 10;
    addTable(mib, {
      name: 'entPhysicalEntry',
      oid: '1.3.6.1.2.1.47.1.1.1.1',
      columns: [
        [1, 'entPhysicalIndex', T.Integer],
        [2, 'entPhysicalDescr', T.OctetString],
        [7, 'entPhysicalName', T.OctetString],
      ],
      rows: [
        [1006, 'Temp Sensor', 'Inlet Temp Sensor'],
        [1011, 'Fan', 'Switch 1 - FAN 1'],
        [1021, 'Power Supply Module', 'Switch 1 - Power Supply A'],
      ],
    });
    addTable(mib, {
      name: 'entPhySensorEntry',
      oid: '1.3.6.1.2.1.99.1.1.1',
      columns: [
        [1, 'entPhySensorType', T.Integer],
        [2, 'entPhySensorScale', T.Integer],
        [3, 'entPhySensorPrecision', T.Integer],
        [4, 'entPhySensorValue', T.Integer],
        [5, 'entPhySensorOperStatus', T.Integer],
      ],
      foreign: [{ table: 'entPhysicalEntry', column: 'entPhysicalIndex' }],
      rows: [
        // celsius(8), units(9), precision 1: tenths of a degree.
        [1006, 8, 9, 1, () => Math.round(temp() * 10), 1],
        // rpm(10), units(9).
        [1011, 10, 9, 0, () => 6100 + Math.round(Math.random() * 200), 1],
        // watts(6), milli(8): milliwatts.
        [1021, 6, 8, 0, () => 88_000 + Math.round(Math.random() * 4000), 1],
      ],
    });
    // POWER-ETHERNET-MIB (RFC 3621): a 370 W budget, the 8 camera ports delivering power.
    const poePorts = Array.from({ length: 16 }, (_, i) => i + 1);
    const delivering = (p: number) => p >= 9 && p <= 16;
    addTable(mib, {
      name: 'pethPsePortEntry',
      oid: '1.3.6.1.2.1.105.1.1.1',
      columns: [
        [1, 'pethPsePortGroupIndex', T.Integer],
        [2, 'pethPsePortIndex', T.Integer],
        [3, 'pethPsePortAdminEnable', T.Integer],
        [6, 'pethPsePortDetectionStatus', T.Integer],
        [10, 'pethPsePortPowerClassifications', T.Integer],
      ],
      index: ['pethPsePortGroupIndex', 'pethPsePortIndex'],
      // pethPsePortPowerClassifications: class0(1) .. class4(5); cameras are class 3 (4).
      rows: poePorts.map((p) => [1, p, 1, delivering(p) ? 3 : 2, delivering(p) ? 4 : 1]),
    });
    addTable(mib, {
      name: 'pethMainPseEntry',
      oid: '1.3.6.1.2.1.105.1.3.1.1',
      columns: [
        [1, 'pethMainPseGroupIndex', T.Integer],
        [2, 'pethMainPsePower', T.Gauge32],
        [3, 'pethMainPseOperStatus', T.Integer],
        [4, 'pethMainPseConsumptionPower', T.Gauge32],
      ],
      rows: [[1, 370, 1, () => 52 + Math.round(Math.random() * 3)]],
    });
    return interfaces;
  },
};
