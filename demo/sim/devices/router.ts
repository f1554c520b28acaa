import type { DeviceKind } from '../device.js';
import { addInterfaces, addProcessorLoad, addSystemGroup, type SimInterface } from '../mib.js';

/** An edge router with a WAN, a LAN and two VLAN interfaces, and a CPU whose load wanders. */
export const edgeRouter: DeviceKind = {
  kind: 'router',
  name: 'demo-router',
  vendor: 'MikroTik',
  build(mib, bootedAt) {
    addSystemGroup(
      mib,
      {
        descr: 'RouterOS CCR2004-16G-2S+',
        objectId: '1.3.6.1.4.1.14988.1',
        name: 'demo-router',
        location: 'Demo shop, comms cabinet',
        contact: 'noc@example.net',
      },
      bootedAt,
    );
    const names = ['ether1-wan', 'ether2-lan', 'vlan10-staff', 'vlan20-cameras'];
    const interfaces: SimInterface[] = names.map((name, n) => ({
      index: n + 1,
      name,
      alias: name.split('-')[1] ?? '',
      speedMbps: 1000,
      adminUp: true,
      operUp: true,
      inOctets: BigInt(Math.floor(Math.random() * 1e12)),
      outOctets: BigInt(Math.floor(Math.random() * 1e12)),
      inErrors: 0,
      load: n === 0 ? 0.2 : 0.08,
    }));
    addInterfaces(mib, interfaces);
    let cpu = 15;
    addProcessorLoad(mib, 2, () => {
      cpu = Math.max(2, Math.min(95, cpu + (Math.random() - 0.5) * 8));
      return cpu;
    });
    return interfaces;
  },
};
