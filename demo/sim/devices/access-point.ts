import snmp from 'net-snmp';
import type { DeviceKind } from '../device.js';
import { addInterfaces, addSystemGroup, addTable, type SimInterface } from '../mib.js';

const T = snmp.ObjectType;

/** A ceiling access point with a wired uplink and two radios. */
export const accessPoint: DeviceKind = {
  kind: 'access_point',
  name: 'demo-ap-floor1',
  vendor: 'Ubiquiti',
  build(mib, bootedAt) {
    addSystemGroup(
      mib,
      {
        descr: 'Linux 4.4.153 UAP-AC-Pro-Gen2 6.5.62',
        objectId: '1.3.6.1.4.1.41112',
        name: 'demo-ap-floor1',
        location: 'Demo shop, sales floor',
        contact: 'noc@example.net',
      },
      bootedAt,
    );
    const interfaces: SimInterface[] = [
      ['eth0', 1000, 0.05],
      ['wifi0', 867, 0.04],
      ['wifi1', 300, 0.03],
    ].map(([name, speed, load], n) => ({
      index: n + 1,
      name: String(name),
      alias: '',
      speedMbps: Number(speed),
      adminUp: true,
      operUp: true,
      inOctets: 0n,
      outOctets: 0n,
      inErrors: 0,
      load: Number(load),
    }));
    addInterfaces(mib, interfaces);
    // UBNT-UniFi-MIB unifiVapTable: one row per SSID and radio (ng: 2.4 GHz, na: 5 GHz); clients come and go.
    const clients = (base: number) => () => Math.max(0, base + Math.round((Math.random() - 0.5) * 4));
    addTable(mib, {
      name: 'unifiVapEntry',
      oid: '1.3.6.1.4.1.41112.1.6.1.2.1',
      columns: [
        [1, 'unifiVapIndex', T.Integer],
        [6, 'unifiVapEssId', T.OctetString],
        [7, 'unifiVapName', T.OctetString],
        [8, 'unifiVapNumStations', T.Integer],
        [9, 'unifiVapRadio', T.OctetString],
      ],
      rows: [
        [0, 'shop-staff', 'ath0', clients(4), 'ng'],
        [1, 'shop-guest', 'ath1', clients(9), 'ng'],
        [2, 'shop-staff', 'ath2', clients(6), 'na'],
      ],
    });
    return interfaces;
  },
};
