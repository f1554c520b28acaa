import snmp from 'net-snmp';
import type { DeviceKind } from '../device.js';
import { addInterfaces, addScalars, addSystemGroup, type SimInterface } from '../mib.js';

const UPS = '1.3.6.1.2.1.33.1'; // UPS-MIB (RFC 1628)

/** A rack UPS answering UPS-MIB battery and output objects; the charge drifts slowly. */
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
      { name: 'upsOutputSource', oid: `${UPS}.4.1`, type: T.Integer, value: 3 },
    ]);
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
