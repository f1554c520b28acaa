import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CustomOidInput, CustomOidSchema, type DeviceConfig, type Sample } from '@outpost/protocol';
import { createFakeTransport, fakeVb as vb } from '../fake-transport.js';
import { createSnmpPoller } from '../poller.js';
import { customOidsFor, numberOf } from './custom.js';

const T0 = Date.UTC(2026, 0, 1);
const APC = '1.3.6.1.4.1.318.1.1.1';
const oids = (...e: CustomOidInput[]) => e.map((x) => CustomOidSchema.parse(x));

function agent(o: { temp?: string; octets?: number; uptime?: number } = {}) {
  return [
    vb.str('1.3.6.1.2.1.1.1.0', 'APC Web/SNMP Management Card'),
    vb.oid('1.3.6.1.2.1.1.2.0', '1.3.6.1.4.1.318.1.3.27'),
    vb.ticks('1.3.6.1.2.1.1.3.0', o.uptime ?? 100_000),
    vb.str('1.3.6.1.2.1.1.5.0', 'ups-1'),
    vb.str(`${APC}.2.3.2.0`, o.temp ?? '27.5'), // a numeric DisplayString, as vendor MIBs answer
    vb.int(`${APC}.7.2.3.0`, 1),
    vb.str(`${APC}.1.2.1.0`, 'UPS 09.3 (ID18)'),
    vb.counter('1.3.6.1.4.1.99.1.1', o.octets ?? 4_294_967_000),
    vb.gauge('1.3.6.1.4.1.99.2.1', 10),
    vb.gauge('1.3.6.1.4.1.99.2.2', 20),
  ];
}

describe('custom OIDs', () => {
  const cases: [string, ReturnType<typeof vb.str>, number | undefined][] = [
    ['an integer', vb.int('1.1', 42), 42],
    ['numeric text', vb.str('1.1', ' 23.5 '), 23.5],
    ['negative text', vb.str('1.1', '-4'), -4],
    ['text that is not a number', vb.str('1.1', 'OK'), undefined],
    ['a missing object', { oid: '1.1', type: 128, value: null }, undefined],
  ];
  for (const [what, v, want] of cases) it(`reads ${what} as ${want}`, () => assert.equal(numberOf(v), want));

  it('keeps the device entry over a site entry of the same name, and site entries under their sys_object_id', () => {
    const entries = oids(
      { oid: '1.3.6.1.4.1.318.1.1.1.2.3.2.0', name: 'battery_temp', scale: 1 },
      { oid: '1.3.6.1.4.1.9.9.1.0', name: 'battery_temp' },
      { oid: '1.3.6.1.4.1.9.9.2.0', name: 'cisco_only', sys_object_id: '1.3.6.1.4.1.9' },
      { oid: '1.3.6.1.4.1.318.9.0', name: 'apc_only', sys_object_id: '1.3.6.1.4.1.318' },
    );
    assert.deepEqual(
      customOidsFor(entries, '1.3.6.1.4.1.318.1.3.27').map((e) => `${e.name}@${e.oid}`),
      ['battery_temp@1.3.6.1.4.1.318.1.1.1.2.3.2.0', 'apc_only@1.3.6.1.4.1.318.9.0'],
    );
  });

  it('polls gauges (scaled), text, walked columns and counter rates as ordinary samples', async () => {
    let now = T0;
    const fake = createFakeTransport({ '10.0.0.9': { varbinds: agent() } });
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: { now: () => now } });
    const device: DeviceConfig = {
      id: 3,
      name: 'ups-1',
      ip_address: '10.0.0.9',
      port: 161,
      snmp: { version: '2c', community: 'c' },
      poll_interval_s: 60,
      timeout_ms: 1000,
      retries: 0,
      profiles: ['system'],
      custom_oids: oids(
        { oid: `${APC}.2.3.2.0`, name: 'ups_battery_temp', unit: 'celsius' },
        { oid: `${APC}.7.2.3.0`, name: 'ups_self_test_result', scale: 10 },
        { oid: `${APC}.1.2.1.0`, name: 'ups_firmware', type: 'string' },
        { oid: '1.3.6.1.4.1.99.1.1', name: 'vendor_octets', type: 'counter', unit: 'bytes_per_s' },
        { oid: '1.3.6.1.4.1.99.2', name: 'vendor_zone_temp', walk: true, scale: 0.1, unit: 'celsius' },
        { oid: '1.3.6.1.4.1.99.3.0', name: 'absent_value' },
      ),
    };
    const by = (samples: Sample[]) =>
      samples.filter((s) => s.metric !== 'sys_uptime' && s.metric !== 'sys_rebooted');
    const first = by((await poller.poll(device)).samples);
    assert.deepEqual(
      first.map((s) => [s.metric, s.value, s.unit ?? null, s.labels ?? null]),
      [
        ['ups_battery_temp', 27.5, 'celsius', null],
        ['ups_self_test_result', 10, null, null],
        ['ups_firmware', 1, null, { value: 'UPS 09.3 (ID18)' }],
        ['vendor_zone_temp', 1, 'celsius', { index: '1' }],
        ['vendor_zone_temp', 2, 'celsius', { index: '2' }],
      ],
    );
    now += 60_000;
    fake.setAgent('10.0.0.9', { varbinds: agent({ octets: 6_000, uptime: 106_000 }) });
    const second = by((await poller.poll(device)).samples);
    const rate = second.find((s) => s.metric === 'vendor_octets');
    // Counter32 wrapped: (2^32 - 4,294,967,000) + 6,000 = 6,296 in 60 s.
    assert.equal(rate?.value, 6_296 / 60);
    assert.equal(rate?.unit, 'bytes_per_s');
  });
});
