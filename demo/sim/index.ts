import { randomBytes } from 'node:crypto';
import { type SimulatedDevice, startSimulatedDevice } from './device.js';
import { DEMO_DEVICES } from './devices/index.js';

export type { SimulatedDevice } from './device.js';
export { sendLinkTrap, sendTrap, type TrapTarget } from './traps.js';

/**
 * The address of the n-th simulated device: on Linux each has its own loopback address (127.0.1.n, every
 * 127.0.0.0/8 address is local there), so that traps are told apart by their sender as on a real network;
 * elsewhere 127.0.0.1, each on its own port.
 */
export function simAddress(n: number): string {
  return process.platform === 'linux' ? `127.0.1.${n + 1}` : '127.0.0.1';
}

/** Starts every simulated device of the demo site, each with its own address (or port) and community. */
export async function startSimulatedSite(host?: string): Promise<SimulatedDevice[]> {
  const started: SimulatedDevice[] = [];
  try {
    for (const [n, kind] of DEMO_DEVICES.entries()) {
      started.push(
        await startSimulatedDevice(kind, {
          host: host ?? simAddress(n),
          community: `demo-${randomBytes(6).toString('hex')}`,
        }),
      );
    }
  } catch (err) {
    await Promise.all(started.map((d) => d.stop()));
    throw err;
  }
  return started;
}
