import type { DeviceKind } from '../device.js';
import { accessPoint } from './access-point.js';
import { officePrinter } from './printer.js';
import { edgeRouter } from './router.js';
import { accessSwitch } from './switch.js';
import { rackUps } from './ups.js';

/** The simulated site: one file per device kind, one line here. */
export const DEMO_DEVICES: readonly DeviceKind[] = checkNames([
  accessSwitch,
  edgeRouter,
  accessPoint,
  rackUps,
  officePrinter,
]);

function checkNames(list: DeviceKind[]): DeviceKind[] {
  const seen = new Set<string>();
  for (const d of list) {
    if (seen.has(d.name)) throw new Error(`duplicate simulated device name ${d.name}`);
    seen.add(d.name);
  }
  return list;
}
