import { randomBytes } from 'node:crypto';
import { type SimulatedDevice, startSimulatedDevice } from './device.js';
import { DEMO_DEVICES } from './devices/index.js';

export type { SimulatedDevice } from './device.js';

/** Starts every simulated device of the demo site on 127.0.0.1, each with its own port and community. */
export async function startSimulatedSite(host = '127.0.0.1'): Promise<SimulatedDevice[]> {
  const started: SimulatedDevice[] = [];
  try {
    for (const kind of DEMO_DEVICES) {
      started.push(
        await startSimulatedDevice(kind, { host, community: `demo-${randomBytes(6).toString('hex')}` }),
      );
    }
  } catch (err) {
    await Promise.all(started.map((d) => d.stop()));
    throw err;
  }
  return started;
}
