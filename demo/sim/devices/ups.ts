import snmp from 'net-snmp';
import type { DeviceKind } from '../device.js';
import { addInterfaces, addScalars, addSystemGroup, addTable, type SimInterface } from '../mib.js';

const UPS = '1.3.6.1.2.1.33.1'; // UPS-MIB (RFC 1628)
const APC = '1.3.6.1.4.1.318.1.1.1'; // PowerNet-MIB, upsObjects

/**
 * A rack APC Smart-UPS whose management card answers PowerNet-MIB and RFC 1628 (as AP9640 cards do with both
 * enabled), written from the two MIBs' definitions; the charge drifts slowly, the load moves a little.
 */
export const rackUps: DeviceKind = {
  kind: 'ups',
  name: 'demo-ups',
  vendor: 'APC',
  build(mib, bootedAt) {
    addSystemGroup(
      mib,
      {
        descr: 'APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.9.6 PN:apc_hw05_aos_696.bin)',
        objectId: '1.3.6.1.4.1.318.1.3.27',
        name: 'demo-ups',
        location: 'Demo shop, comms cabinet',
        contact: 'noc@example.net',
      },
      bootedAt,
    );
    let charge = 97;
    const load = () => 31 + Math.round(Math.random() * 4);
    const T = snmp.ObjectType;
    addScalars(mib, [
      { name: 'upsBatteryStatus', oid: `${UPS}.2.1`, type: T.Integer, value: 2 },
      { name: 'upsSecondsOnBattery', oid: `${UPS}.2.2`, type: T.Integer, value: 0 },
      {
        name: 'upsEstimatedMinutesRemaining',
        oid: `${UPS}.2.3`,
        type: T.Integer,
        value: () => Math.round(charge * 0.45),
      },
      {
        name: 'upsEstimatedChargeRemaining',
        oid: `${UPS}.2.4`,
        type: T.Integer,
        value: () => {
          charge = Math.max(90, Math.min(100, charge + (Math.random() - 0.5)));
          return Math.round(charge);
        },
      },
      {
        name: 'upsBatteryTemperature',
        oid: `${UPS}.2.7`,
        type: T.Integer,
        value: () => 27 + Math.round(Math.random() * 2),
      },
      { name: 'upsBatteryVoltage', oid: `${UPS}.2.5`, type: T.Integer, value: 545 }, // 0.1 V DC
      { name: 'upsOutputSource', oid: `${UPS}.4.1`, type: T.Integer, value: 3 }, // normal(3)
      { name: 'upsAlarmsPresent', oid: `${UPS}.6.1`, type: T.Gauge32, value: 0 },
      // PowerNet-MIB: upsBasicBattery, upsAdvBattery, upsAdvInput, upsBasicOutput, upsAdvOutput.
      { name: 'upsBasicBatteryStatus', oid: `${APC}.2.1.1`, type: T.Integer, value: 2 }, // batteryNormal(2)
      { name: 'upsBasicBatteryTimeOnBattery', oid: `${APC}.2.1.2`, type: T.TimeTicks, value: 0 },
      {
        name: 'upsAdvBatteryCapacity',
        oid: `${APC}.2.2.1`,
        type: T.Gauge32,
        value: () => Math.round(charge),
      },
      { name: 'upsAdvBatteryTemperature', oid: `${APC}.2.2.2`, type: T.Gauge32, value: 28 },
      {
        name: 'upsAdvBatteryRunTimeRemaining',
        oid: `${APC}.2.2.3`,
        type: T.TimeTicks,
        value: () => Math.round(charge * 0.45) * 60 * 100,
      },
      { name: 'upsAdvBatteryReplaceIndicator', oid: `${APC}.2.2.4`, type: T.Integer, value: 1 }, // no(1)
      { name: 'upsAdvBatteryActualVoltage', oid: `${APC}.2.2.8`, type: T.Integer, value: 54 },
      {
        name: 'upsAdvInputLineVoltage',
        oid: `${APC}.3.2.1`,
        type: T.Gauge32,
        value: () => 229 + Math.round(Math.random() * 3),
      },
      { name: 'upsBasicOutputStatus', oid: `${APC}.4.1.1`, type: T.Integer, value: 2 }, // onLine(2)
      { name: 'upsAdvOutputVoltage', oid: `${APC}.4.2.1`, type: T.Gauge32, value: 230 },
      { name: 'upsAdvOutputLoad', oid: `${APC}.4.2.3`, type: T.Gauge32, value: () => load() },
    ]);
    // RFC 1628 upsInputTable and upsOutputTable: one line each.
    addTable(mib, {
      name: 'upsInputEntry',
      oid: `${UPS}.3.3.1`,
      columns: [
        [1, 'upsInputLineIndex', T.Integer],
        [2, 'upsInputFrequency', T.Integer],
        [3, 'upsInputVoltage', T.Integer],
      ],
      rows: [[1, 500, () => 229 + Math.round(Math.random() * 3)]],
    });
    addTable(mib, {
      name: 'upsOutputEntry',
      oid: `${UPS}.4.4.1`,
      columns: [
        [1, 'upsOutputLineIndex', T.Integer],
        [2, 'upsOutputVoltage', T.Integer],
        [3, 'upsOutputCurrent', T.Integer],
        [4, 'upsOutputPower', T.Integer],
        [5, 'upsOutputPercentLoad', T.Integer],
      ],
      rows: [[1, 230, 19, 420, () => load()]],
    });
    const interfaces: SimInterface[] = [
      {
        index: 1,
        name: 'eth0',
        alias: 'management',
        speedMbps: 100,
        adminUp: true,
        operUp: true,
        inOctets: 0n,
        outOctets: 0n,
        inErrors: 0,
        load: 0.001,
      },
    ];
    addInterfaces(mib, interfaces);
    return interfaces;
  },
};
