import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { counterRate, detectReboot, type RateInput, type RateResult, utilisation } from './rates.js';

const T0 = Date.UTC(2026, 0, 1);
const at = (s: number) => T0 + s * 1000;
const r = (value: bigint, s: number) => ({ value, ts: at(s) });
const MAX32 = 2n ** 32n - 1n;

describe('counterRate', () => {
  const cases: { name: string; input: RateInput; want: RateResult }[] = [
    {
      name: 'no previous reading gives no rate',
      input: { prev: undefined, cur: r(10n, 60), bits: 64 },
      want: { ok: false, reason: 'first' },
    },
    {
      name: 'a plain increase over 60 s',
      input: { prev: r(1000n, 0), cur: r(7000n, 60), bits: 64 },
      want: { ok: true, perSecond: 100, wrapped: false },
    },
    {
      name: 'an unchanged counter is zero, not missing',
      input: { prev: r(5n, 0), cur: r(5n, 30), bits: 32 },
      want: { ok: true, perSecond: 0, wrapped: false },
    },
    {
      name: 'a 32-bit counter that wrapped once',
      input: { prev: r(MAX32 - 99n, 0), cur: r(500n, 10), bits: 32 },
      want: { ok: true, perSecond: 60, wrapped: true },
    },
    {
      name: 'a 32-bit wrap implying more than half the range is a reset',
      input: { prev: r(10n, 0), cur: r(5n, 10), bits: 32 },
      want: { ok: false, reason: 'reset' },
    },
    {
      name: 'a 32-bit wrap above the link speed is a reset',
      input: { prev: r(MAX32 - 99n, 0), cur: r(500n, 10), bits: 32, maxPerSecond: 50 },
      want: { ok: false, reason: 'reset' },
    },
    {
      name: 'a 32-bit wrap within the link speed is kept',
      input: { prev: r(2n ** 31n, 0), cur: r(2n ** 30n, 100), bits: 32, maxPerSecond: 125e6 },
      want: { ok: true, perSecond: 32212254.72, wrapped: true },
    },
    {
      name: 'a 64-bit counter going backwards is a reset, never negative',
      input: { prev: r(10n ** 12n, 0), cur: r(42n, 60), bits: 64 },
      want: { ok: false, reason: 'reset' },
    },
    {
      name: 'a jump above the link speed x margin is dropped',
      input: { prev: r(0n, 0), cur: r(10n ** 12n, 60), bits: 64, maxPerSecond: 137.5e6 },
      want: { ok: false, reason: 'implausible' },
    },
    {
      name: 'a rate just under the limit is kept',
      input: { prev: r(0n, 0), cur: r(1250n * 60n, 60), bits: 64, maxPerSecond: 1250 },
      want: { ok: true, perSecond: 1250, wrapped: false },
    },
    {
      name: 'a reboot or discontinuity gives no rate',
      input: { prev: r(0n, 0), cur: r(100n, 60), bits: 64, discontinuity: true },
      want: { ok: false, reason: 'discontinuity' },
    },
    {
      name: 'the same timestamp gives no rate',
      input: { prev: r(0n, 60), cur: r(100n, 60), bits: 64 },
      want: { ok: false, reason: 'no_time' },
    },
    {
      name: 'a clock that went backwards gives no rate',
      input: { prev: r(0n, 60), cur: r(100n, 0), bits: 64 },
      want: { ok: false, reason: 'no_time' },
    },
    {
      name: 'a 64-bit value read from a "32-bit" column going backwards is a reset',
      input: { prev: r(2n ** 40n, 0), cur: r(5n, 10), bits: 32 },
      want: { ok: false, reason: 'reset' },
    },
    {
      name: 'a large 64-bit counter keeps precision',
      input: { prev: r(2n ** 63n, 0), cur: r(2n ** 63n + 8_000_000n, 8), bits: 64 },
      want: { ok: true, perSecond: 1_000_000, wrapped: false },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = counterRate(c.input);
      if (got.ok && c.want.ok) {
        assert.ok(
          Math.abs(got.perSecond - c.want.perSecond) < 1e-6,
          `${got.perSecond} != ${c.want.perSecond}`,
        );
        assert.equal(got.wrapped, c.want.wrapped);
        assert.ok(got.perSecond >= 0);
      } else assert.deepEqual(got, c.want);
    });
  }
});

describe('detectReboot', () => {
  const cases: { name: string; prev?: [number, number]; cur: [number, number]; want: boolean }[] = [
    { name: 'first reading is not a reboot', cur: [100, 0], want: false },
    { name: 'uptime moving forward is not a reboot', prev: [100_00, 0], cur: [160_00, 60], want: false },
    {
      name: 'a static uptime (simulators) is not a reboot',
      prev: [100_00, 0],
      cur: [100_00, 60],
      want: false,
    },
    { name: 'uptime going backwards is a reboot', prev: [500_000_00, 0], cur: [30_00, 60], want: true },
    {
      name: 'the 497-day TimeTicks wrap predicted by wall time is not a reboot',
      prev: [2 ** 32 - 1000, 0],
      cur: [5000, 60],
      want: false,
    },
    {
      name: 'a backwards step near the wrap that wall time does not explain is a reboot',
      prev: [2 ** 32 - 1000, 0],
      cur: [2 ** 31, 60],
      want: true,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const prev = c.prev ? { ticks: c.prev[0], ts: at(c.prev[1]) } : undefined;
      assert.equal(detectReboot(prev, { ticks: c.cur[0], ts: at(c.cur[1]) }), c.want);
    });
  }
});

describe('utilisation', () => {
  it('is a percentage of the link speed, capped at 100', () => {
    assert.equal(utilisation(50e6, 100e6), 50);
    assert.equal(utilisation(120e6, 100e6), 100);
  });
  it('is unknown without a speed', () => {
    assert.equal(utilisation(1, 0), undefined);
    assert.equal(utilisation(1, undefined), undefined);
  });
});
