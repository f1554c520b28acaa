import snmp from 'net-snmp';
import type { DeviceKind } from '../device.js';
import { addInterfaces, addSystemGroup, addTable, type SimInterface } from '../mib.js';

const T = snmp.ObjectType;

/**
 * An office laser printer answering Printer-MIB (RFC 3805) supplies and HOST-RESOURCES-MIB's printer status,
 * written from the MIBs' definitions; the black toner runs down as it prints.
 */
export const officePrinter: DeviceKind = {
  kind: 'printer',
  name: 'demo-printer',
  vendor: 'HP',
  build(mib, bootedAt) {
    addSystemGroup(
      mib,
      {
        descr: 'HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI24090012',
        objectId: '1.3.6.1.4.1.11.2.3.9.1',
        name: 'demo-printer',
        location: 'Demo shop, back office',
        contact: 'noc@example.net',
      },
      bootedAt,
    );
    let black = 2_300;
    // hrDeviceTable row 1 (the printer) and hrPrinterTable: idle(3) or printing(4).
    addTable(mib, {
      name: 'hrDeviceEntry',
      oid: '1.3.6.1.2.1.25.3.2.1',
      columns: [
        [1, 'hrDeviceIndex', T.Integer],
        [2, 'hrDeviceType', T.OID],
        [3, 'hrDeviceDescr', T.OctetString],
      ],
      rows: [[1, '1.3.6.1.2.1.25.3.1.5', 'HP LaserJet Pro M404dn']],
    });
    addTable(mib, {
      name: 'hrPrinterEntry',
      oid: '1.3.6.1.2.1.25.3.5.1',
      columns: [[1, 'hrPrinterStatus', T.Integer]],
      foreign: [{ table: 'hrDeviceEntry', column: 'hrDeviceIndex' }],
      rows: [[1, () => (Math.random() < 0.2 ? 4 : 3)]],
    });
    // prtMarkerSuppliesTable, indexed by hrDeviceIndex and prtMarkerSuppliesIndex. Type toner(3), other(1);
    // unit impressions(7); MaxCapacity and Level in that unit (-3: "some remaining").
    addTable(mib, {
      name: 'prtMarkerSuppliesEntry',
      oid: '1.3.6.1.2.1.43.11.1.1',
      columns: [
        [1, 'prtMarkerSuppliesIndex', T.Integer],
        [5, 'prtMarkerSuppliesType', T.Integer],
        [6, 'prtMarkerSuppliesDescription', T.OctetString],
        [7, 'prtMarkerSuppliesSupplyUnit', T.Integer],
        [8, 'prtMarkerSuppliesMaxCapacity', T.Integer],
        [9, 'prtMarkerSuppliesLevel', T.Integer],
      ],
      foreign: [{ table: 'hrDeviceEntry', column: 'hrDeviceIndex' }],
      index: ['prtMarkerSuppliesIndex'],
      rows: [
        [
          1,
          1,
          3,
          'Black Cartridge HP CF259A',
          7,
          10_000,
          () => {
            black = black > 50 ? black - 1 : 9_000;
            return black;
          },
        ],
        [1, 2, 1, 'Imaging Drum', 7, -2, -3],
      ],
    });
    const interfaces: SimInterface[] = [
      {
        index: 1,
        name: 'eth0',
        alias: '',
        speedMbps: 100,
        adminUp: true,
        operUp: true,
        inOctets: 0n,
        outOctets: 0n,
        inErrors: 0,
        load: 0.002,
      },
    ];
    addInterfaces(mib, interfaces);
    return interfaces;
  },
};
