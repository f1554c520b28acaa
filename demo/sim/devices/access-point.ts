import type { DeviceKind } from '../device.js';
import { addInterfaces, addSystemGroup, type SimInterface } from '../mib.js';

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
    return interfaces;
  },
};
