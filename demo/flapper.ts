import type { SimulatedDevice } from './sim/index.js';

export interface Flapper {
  stop(): Promise<void>;
}

/**
 * Every `everyS` seconds takes `device` down for `downS` seconds and brings it back, so that alerts open,
 * resolve and notify. Timers only: the simulated agents answer from this event loop.
 */
export function startFlapper(
  device: SimulatedDevice,
  opts: {
    everyS: number;
    downS: number;
    say: (line: string) => void;
    /** What else happens when the device goes down and comes back (the switch port's link and its trap). */
    onDown?: () => Promise<void>;
    onUp?: () => Promise<void>;
  },
): Flapper {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (fn: () => Promise<void>, s: number) => {
    timer = setTimeout(() => {
      if (stopped) return;
      fn().catch((err: unknown) => opts.say(`demo: ${device.name}: ${(err as Error).message}`));
    }, s * 1000);
  };
  const takeDown = async () => {
    await device.down();
    opts.say(`demo: ${device.name} is down for ${opts.downS} s (an alert opens)`);
    await opts.onDown?.();
    schedule(bringUp, opts.downS);
  };
  const bringUp = async () => {
    await device.up();
    opts.say(`demo: ${device.name} is back (the alert resolves)`);
    await opts.onUp?.();
    schedule(takeDown, Math.max(1, opts.everyS - opts.downS));
  };
  schedule(takeDown, opts.everyS);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      if (!device.isUp()) await device.up().catch(() => {});
    },
  };
}
