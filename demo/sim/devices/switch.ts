import type { DeviceKind } from '../device.js';
import { addInterfaces, addSystemGroup, type SimInterface } from '../mib.js';

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
        alias: p <= 8 ? `desk-${p}` : p <= 16 ? `camera-${p - 8}` : '',
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
    return interfaces;
  },
};
