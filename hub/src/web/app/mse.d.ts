// Types of mse.js for the hub's tests (the browser loads the .js as it is).
export declare function boxType(bytes: Uint8Array, offset?: number): string;
export declare function codecOf(init: Uint8Array): string | null;
export declare function bitrateMeter(windowMs?: number): {
  add(n: number, now: number): void;
  rate(now: number): number;
};
export declare function latencyOf(
  bufferedEnd: number | null | undefined,
  currentTime: number,
  lastArrivalMs: number,
  nowMs: number,
): number | null;
