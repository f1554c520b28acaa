/** Pure counter arithmetic: per-second rates that never go negative or absurd, and reboot detection. */

export type CounterBits = 32 | 64;

export interface CounterReading {
  value: bigint;
  /** When it was read, epoch ms (from the injected clock). */
  ts: number;
}

export interface RateInput {
  prev: CounterReading | undefined;
  cur: CounterReading;
  bits: CounterBits;
  /** Highest plausible rate in counter units per second (e.g. link speed / 8 x margin); above it no rate. */
  maxPerSecond?: number;
  /** The device rebooted or declared a counter discontinuity since `prev`: the interval has no rate. */
  discontinuity?: boolean;
}

export type RateResult =
  | { ok: true; perSecond: number; wrapped: boolean }
  | { ok: false; reason: 'first' | 'no_time' | 'discontinuity' | 'reset' | 'implausible' };

const TWO_32 = 1n << 32n;
const HALF_32 = 1n << 31n;

/**
 * Rate of a monotonically increasing counter between two readings. A 32-bit counter may wrap once per interval
 * (RFC 2578 7.1.6); a 64-bit counter going backwards is a reset, because wrapping 2^64 takes decades at any
 * real speed. A wrap that would imply more than half the 32-bit range, or any rate above `maxPerSecond`, is
 * treated as a reset rather than reported.
 */
export function counterRate({ prev, cur, bits, maxPerSecond, discontinuity }: RateInput): RateResult {
  if (!prev) return { ok: false, reason: 'first' };
  if (discontinuity) return { ok: false, reason: 'discontinuity' };
  const dtMs = cur.ts - prev.ts;
  if (!(dtMs > 0)) return { ok: false, reason: 'no_time' };
  let delta = cur.value - prev.value;
  let wrapped = false;
  if (delta < 0n) {
    if (bits === 64 || prev.value >= TWO_32 || cur.value >= TWO_32) return { ok: false, reason: 'reset' };
    delta += TWO_32;
    wrapped = true;
    if (maxPerSecond === undefined && delta > HALF_32) return { ok: false, reason: 'reset' };
  }
  const perSecond = (Number(delta) * 1000) / dtMs;
  if (maxPerSecond !== undefined && perSecond > maxPerSecond)
    return { ok: false, reason: wrapped ? 'reset' : 'implausible' };
  return { ok: true, perSecond, wrapped };
}

export interface UptimeReading {
  /** sysUpTime in TimeTicks (1/100 s), a 32-bit value that wraps after ~497 days. */
  ticks: number;
  ts: number;
}

/** Slack allowed between the device's clock and ours when telling a sysUpTime wrap from a reboot. */
const WRAP_SLACK_TICKS = 60_00 * 5;

/**
 * Whether the device restarted between two polls: sysUpTime went backwards, unless the step is exactly the
 * 2^32 TimeTicks wrap that the elapsed wall time predicts.
 */
export function detectReboot(prev: UptimeReading | undefined, cur: UptimeReading): boolean {
  if (!prev || cur.ticks >= prev.ticks) return false;
  const expected = prev.ticks + (cur.ts - prev.ts) / 10;
  const wrappedNow = cur.ticks + 2 ** 32;
  return !(expected >= 2 ** 32 && Math.abs(wrappedNow - expected) <= WRAP_SLACK_TICKS);
}

/** Utilisation in percent of a bit rate on a link of `speedBps`; undefined when the speed is unknown. */
export function utilisation(bps: number, speedBps: number | undefined): number | undefined {
  if (!speedBps || speedBps <= 0) return undefined;
  return Math.min(100, (bps / speedBps) * 100);
}
