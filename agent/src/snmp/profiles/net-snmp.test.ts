import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeVb as vb } from '../fake-transport.js';
import { netSnmp, UCD_OIDS } from './net-snmp.js';

const T0 = Date.UTC(2026, 0, 1);
function input(idle: number, user: number) {
  const list = [
    vb.str(UCD_OIDS.laLoad1, '0.50'),
    vb.str(UCD_OIDS.laLoad5, '0.25'),
    vb.str(UCD_OIDS.laLoad15, '0.10'),
    vb.int(UCD_OIDS.memTotalReal, 1000),
    vb.int(UCD_OIDS.memAvailReal, 200),
    vb.int(UCD_OIDS.memBuffer, 50),
    vb.int(UCD_OIDS.memCached, 250),
    vb.int(UCD_OIDS.memTotalSwap, 400),
    vb.int(UCD_OIDS.memAvailSwap, 300),
    vb.counter(UCD_OIDS.ssCpuRawUser, user),
    vb.counter(UCD_OIDS.ssCpuRawIdle, idle),
  ];
  return { scalars: new Map(list.map((v) => [v.oid, v])), walks: new Map() };
}

describe('net-snmp (UCD-SNMP-MIB) profile', () => {
  it('reads load averages, available memory and swap use', () => {
    const { samples } = netSnmp.collect(input(100, 0), undefined, { deviceId: 1, now: T0, rebooted: false });
    const get = (m: string) => samples.find((s) => s.metric === m)?.value;
    assert.equal(get('load_1m'), 0.5);
    assert.equal(get('load_15m'), 0.1);
    assert.equal(get('mem_available_bytes'), 500 * 1024);
    assert.equal(get('mem_available_percent'), 50);
    assert.equal(get('swap_used_percent'), 25);
    assert.equal(get('cpu_busy_percent'), undefined, 'needs two readings');
  });
  it('computes CPU busy percent from raw ticks between polls, and none across a reboot', () => {
    const first = netSnmp.collect(input(1000, 1000), undefined, { deviceId: 1, now: T0, rebooted: false });
    const second = netSnmp.collect(input(1300, 1100), first.state, {
      deviceId: 1,
      now: T0 + 60_000,
      rebooted: false,
    });
    assert.equal(second.samples.find((s) => s.metric === 'cpu_busy_percent')?.value, 25);
    const after = netSnmp.collect(input(10, 5), second.state, {
      deviceId: 1,
      now: T0 + 120_000,
      rebooted: true,
    });
    assert.equal(
      after.samples.find((s) => s.metric === 'cpu_busy_percent'),
      undefined,
    );
  });
});
