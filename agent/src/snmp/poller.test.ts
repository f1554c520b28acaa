import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeviceConfig, KnownEvent, Sample } from '@outpost/protocol';
import { DIAGNOSIS_TTL_MS } from './diagnose.js';
import { SnmpError } from './errors.js';
import { createFakeTransport, type FakeAgent, fakeVb as vb } from './fake-transport.js';
import { createSnmpPoller } from './poller.js';
import { registerProfiles } from './profiles/index.js';
import { system } from './profiles/system.js';
import type { SnmpVarbind } from './types.js';

const T0 = Date.UTC(2026, 0, 1);
const IF = '1.3.6.1.2.1.2.2.1';
const IFX = '1.3.6.1.2.1.31.1.1.1';

function clock(start = T0) {
  let t = start;
  return { now: () => t, advance: (s: number) => (t += s * 1000) };
}

function device(over: Partial<DeviceConfig> = {}): DeviceConfig {
  return {
    id: 12,
    name: 'sw',
    ip_address: '10.0.0.5',
    port: 161,
    snmp: { version: '2c', community: 'c0mmunity' },
    poll_interval_s: 60,
    timeout_ms: 1000,
    retries: 0,
    profiles: [],
    ...over,
  };
}

/** A small Cisco switch: two interfaces, gi1 with 64-bit counters, gi2 with 32-bit only. */
function cisco(o: { uptime?: number; in1?: bigint; in2?: number; disc?: number } = {}): SnmpVarbind[] {
  return [
    vb.str('1.3.6.1.2.1.1.1.0', 'Cisco IOS Software, C3750'),
    vb.oid('1.3.6.1.2.1.1.2.0', '1.3.6.1.4.1.9.1.516'),
    vb.ticks('1.3.6.1.2.1.1.3.0', o.uptime ?? 100_000),
    vb.str('1.3.6.1.2.1.1.4.0', 'noc@example.net'),
    vb.str('1.3.6.1.2.1.1.5.0', 'core-sw'),
    vb.str('1.3.6.1.2.1.1.6.0', 'Closet 2'),
    vb.str(`${IF}.2.1`, 'GigabitEthernet0/1'),
    vb.str(`${IF}.2.2`, 'GigabitEthernet0/2'),
    vb.gauge(`${IF}.5.1`, 1_000_000_000),
    vb.gauge(`${IF}.5.2`, 100_000_000),
    vb.int(`${IF}.7.1`, 1),
    vb.int(`${IF}.7.2`, 1),
    vb.int(`${IF}.8.1`, 1),
    vb.int(`${IF}.8.2`, 2),
    vb.counter(`${IF}.10.1`, 5),
    vb.counter(`${IF}.10.2`, o.in2 ?? 1000),
    vb.counter(`${IF}.14.1`, 0),
    vb.str(`${IFX}.1.1`, 'Gi0/1'),
    vb.str(`${IFX}.1.2`, 'Gi0/2'),
    vb.counter64(`${IFX}.6.1`, o.in1 ?? 10_000_000n),
    vb.gauge(`${IFX}.15.1`, 1000),
    vb.gauge(`${IFX}.15.2`, 100),
    vb.str(`${IFX}.18.1`, 'uplink'),
    vb.ticks(`${IFX}.19.1`, o.disc ?? 0),
    vb.gauge('1.3.6.1.4.1.9.9.109.1.1.1.1.7.1', 7),
    vb.str('1.3.6.1.4.1.9.9.48.1.1.1.2.1', 'Processor'),
    vb.gauge('1.3.6.1.4.1.9.9.48.1.1.1.5.1', 25),
    vb.gauge('1.3.6.1.4.1.9.9.48.1.1.1.6.1', 75),
  ];
}

const find = (samples: Sample[], metric: string, ifName?: string) =>
  samples.filter((s) => s.metric === metric && (!ifName || s.labels?.if_name === ifName));
const state = (events: KnownEvent[]) => events.find((e) => e.type === 'device_state');

describe('SNMP poller', () => {
  it('reports an online device with its sys facts, uptime and interface status', async () => {
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco() } });
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: clock() });
    const { samples, events } = await poller.poll(device());
    assert.deepEqual(state(events), {
      type: 'device_state',
      ts: T0,
      device_id: 12,
      status: 'online',
      sys: {
        name: 'core-sw',
        descr: 'Cisco IOS Software, C3750',
        object_id: '1.3.6.1.4.1.9.1.516',
        uptime_s: 1000,
        location: 'Closet 2',
        contact: 'noc@example.net',
      },
    });
    assert.equal(find(samples, 'sys_uptime')[0]?.value, 1000);
    const oper = find(samples, 'if_oper_status', 'Gi0/2')[0];
    assert.deepEqual(oper?.labels, { if_index: '2', if_name: 'Gi0/2' });
    assert.equal(oper?.value, 2);
    assert.equal(find(samples, 'if_speed_bps', 'Gi0/1')[0]?.value, 1e9);
    assert.equal(find(samples, 'if_alias')[0], undefined);
    assert.equal(find(samples, 'if_in_bps').length, 0, 'no rate on the first poll');
    assert.equal(find(samples, 'cpu_load')[0]?.value, 7, 'the cisco profile was auto-selected');
    assert.equal(find(samples, 'mem_used_percent')[0]?.value, 25);
  });

  it('turns counters into per-second rates on the next poll, 64-bit where present and 32-bit otherwise', async () => {
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco() } });
    const c = clock();
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: c });
    await poller.poll(device());
    c.advance(60);
    fake.setAgent('10.0.0.5', {
      varbinds: cisco({ uptime: 106_000, in1: 10_000_000n + 750_000_000n, in2: 1000 + 6000 }),
    });
    const { samples } = await poller.poll(device());
    assert.equal(find(samples, 'if_in_bps', 'Gi0/1')[0]?.value, 100e6);
    assert.equal(find(samples, 'if_in_utilization', 'Gi0/1')[0]?.value, 10);
    assert.deepEqual(find(samples, 'if_in_bps', 'Gi0/1')[0]?.labels, {
      if_index: '1',
      if_name: 'Gi0/1',
      if_alias: 'uplink',
    });
    assert.equal(find(samples, 'if_in_bps', 'Gi0/2')[0]?.value, 800);
    assert.equal(find(samples, 'if_in_errors_ps', 'Gi0/1')[0]?.value, 0);
    assert.equal(find(samples, 'if_in_bps', 'Gi0/1')[0]?.ts, T0 + 60_000);
  });

  it('pairs counters by ifIndex when interfaces come and go, and a new one starts without a rate', async () => {
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco() } });
    const c = clock();
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: c });
    await poller.poll(device());
    c.advance(60);
    // Interface 1 is gone (its row is now interface 2's), interface 3 is new.
    const gone = (v: SnmpVarbind) => !/^1\.3\.6\.1\.2\.1\.(2\.2|31\.1\.1)\.1\.\d+\.1$/.test(v.oid);
    fake.setAgent('10.0.0.5', {
      varbinds: [
        ...cisco({ uptime: 106_000, in2: 1000 + 6000 }).filter(gone),
        vb.str(`${IF}.2.3`, 'GigabitEthernet0/3'),
        vb.int(`${IF}.8.3`, 1),
        vb.counter(`${IF}.10.3`, 123_456),
      ],
    });
    const { samples } = await poller.poll(device());
    assert.equal(find(samples, 'if_oper_status', 'Gi0/1').length, 0);
    assert.equal(find(samples, 'if_in_bps', 'Gi0/2')[0]?.value, 800);
    assert.equal(find(samples, 'if_oper_status', 'GigabitEthernet0/3')[0]?.value, 1);
    assert.equal(
      find(samples, 'if_in_bps', 'GigabitEthernet0/3').length,
      0,
      'first reading of a new interface',
    );
  });

  it('reports no rate for the interval in which a counter moves between its 64- and 32-bit columns', async () => {
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco() } });
    const c = clock();
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: c });
    await poller.poll(device());
    const no64 = (v: SnmpVarbind) => v.oid !== `${IFX}.6.1`;
    c.advance(60);
    fake.setAgent('10.0.0.5', { varbinds: cisco({ uptime: 106_000 }).filter(no64) });
    const switched = await poller.poll(device());
    assert.equal(find(switched.samples, 'if_in_bps', 'Gi0/1').length, 0, 'ifHCInOctets then ifInOctets');
    c.advance(60);
    fake.setAgent('10.0.0.5', {
      varbinds: cisco({ uptime: 112_000 })
        .filter(no64)
        .map((v) => (v.oid === `${IF}.10.1` ? vb.counter(v.oid, 5 + 7500) : v)),
    });
    const next = await poller.poll(device());
    assert.equal(find(next.samples, 'if_in_bps', 'Gi0/1')[0]?.value, 1000, '32-bit rate from then on');
  });

  it('reports no rate for the interval in which the device rebooted or its counters were reset', async () => {
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco({ uptime: 500_000 }) } });
    const c = clock();
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: c });
    await poller.poll(device());
    c.advance(60);
    fake.setAgent('10.0.0.5', { varbinds: cisco({ uptime: 3000, in1: 20_000_000n }) });
    const rebooted = await poller.poll(device());
    assert.equal(find(rebooted.samples, 'sys_rebooted')[0]?.value, 1);
    assert.equal(find(rebooted.samples, 'if_in_bps').length, 0);
    c.advance(60);
    fake.setAgent('10.0.0.5', { varbinds: cisco({ uptime: 9000, in1: 20_000_000n, disc: 8000 }) });
    const reset = await poller.poll(device());
    assert.equal(find(reset.samples, 'sys_rebooted')[0]?.value, 0);
    assert.equal(find(reset.samples, 'if_in_bps', 'Gi0/1').length, 0, 'ifCounterDiscontinuityTime changed');
    assert.equal(find(reset.samples, 'if_in_bps', 'Gi0/2').length, 1);
  });

  it('reports an unreachable device with the error and does not repeat its previous values', async () => {
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco() } });
    const c = clock();
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: c });
    await poller.poll(device());
    fake.setAgent('10.0.0.5', undefined);
    c.advance(60);
    const { samples, events } = await poller.poll(device());
    assert.deepEqual(samples, []);
    assert.deepEqual(events, [
      {
        type: 'device_state',
        ts: T0 + 60_000,
        device_id: 12,
        status: 'unreachable',
        error:
          'get system: timeout: no SNMP answer at this address, not even to SNMPv3 engine discovery (host down, SNMP disabled, or UDP filtered)',
      },
    ]);
  });

  it('tells a wrong v2c community (the agent answers engine discovery) from a silent host, probing once per TTL', async () => {
    // snmpd drops a request with an unknown community without answering: only the timeout is seen.
    const timeout = () => new SnmpError('timeout', 'timeout');
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco(), fail: timeout } });
    const c = clock();
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: c });
    const first = state((await poller.poll(device())).events);
    assert.equal(first?.type === 'device_state' && first.status, 'auth_failed');
    assert.match(JSON.stringify(first), /no answer with this community/);
    assert.doesNotMatch(JSON.stringify(first), /c0mmunity/, 'the community itself never travels');
    c.advance(60);
    await poller.poll(device());
    assert.equal(fake.calls.filter((x) => x.op === 'probe').length, 1, 'the diagnosis holds for a while');
    c.advance(DIAGNOSIS_TTL_MS / 1000);
    fake.setAgent('10.0.0.5', undefined); // now the host is gone altogether
    const gone = state((await poller.poll(device())).events);
    assert.equal(fake.calls.filter((x) => x.op === 'probe').length, 2);
    assert.equal(gone?.type === 'device_state' && gone.status, 'unreachable');
    assert.match(JSON.stringify(gone), /not even to SNMPv3 engine discovery/);
    fake.setAgent('10.0.0.5', { varbinds: cisco() });
    c.advance(60);
    assert.equal(state((await poller.poll(device())).events)?.type, 'device_state');
    fake.setAgent('10.0.0.5', { varbinds: cisco(), fail: timeout });
    c.advance(60);
    await poller.poll(device());
    assert.equal(
      fake.calls.filter((x) => x.op === 'probe').length,
      3,
      'answering again clears the diagnosis',
    );
  });

  it('reports a v3 device that the engine answers but the request does not as auth_failed (privacy key)', async () => {
    const timeout = () => new SnmpError('timeout', 'timeout');
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco(), fail: timeout } });
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: clock() });
    const v3 = device({
      snmp: {
        version: '3',
        username: 'mon',
        security_level: 'authPriv',
        auth_protocol: 'sha',
        auth_key: 'auth-key-123',
        priv_protocol: 'aes',
        priv_key: 'wrong-priv-key',
      },
    });
    const ev = state((await poller.poll(v3)).events);
    assert.equal(ev?.type === 'device_state' && ev.status, 'auth_failed');
    assert.match(JSON.stringify(ev), /privacy key/);
    assert.doesNotMatch(JSON.stringify(ev), /wrong-priv-key|auth-key-123/);
  });

  it('reports auth_failed when SNMPv3 authentication fails', async () => {
    const fail = () => new SnmpError('auth_failed', 'authentication failed: Wrong Digest');
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco(), fail } });
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: clock() });
    const v3 = device({
      snmp: {
        version: '3',
        username: 'mon',
        security_level: 'authNoPriv',
        auth_protocol: 'sha',
        auth_key: 'wrongwrong',
      },
    });
    const { events } = await poller.poll(v3);
    const ev = state(events);
    assert.equal(ev?.type === 'device_state' && ev.status, 'auth_failed');
    assert.match(JSON.stringify(events), /Wrong Digest/);
    assert.doesNotMatch(JSON.stringify(events), /wrongwrong/);
  });

  it('keeps the other profiles when one fails, and says which walk failed on which device', async () => {
    const agent: FakeAgent = {
      varbinds: cisco(),
      fail: (op, oid) =>
        op === 'walk' && oid === `${IFX}.6` ? new SnmpError('timeout', 'timeout') : undefined,
    };
    const fake = createFakeTransport({ '10.0.0.5': agent });
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: clock() });
    const { samples, events } = await poller.poll(device());
    const ev = state(events);
    assert.equal(ev?.type === 'device_state' && ev.status, 'online');
    const err = events.find((e) => e.type === 'error');
    assert.equal(
      err?.type === 'error' && err.message,
      'device 12 (10.0.0.5): profile if-mib: walk ifHCInOctets: timeout',
    );
    assert.equal(err?.type === 'error' && err.code, 'snmp_timeout');
    assert.equal(find(samples, 'cpu_load').length, 1);
    assert.equal(find(samples, 'if_oper_status').length, 0);
  });

  it('polls the configured profiles instead of auto-selection and reports unknown names', async () => {
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco() } });
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: clock() });
    const { samples, events } = await poller.poll(device({ profiles: ['cisco', 'nope'] }));
    assert.equal(find(samples, 'if_oper_status').length, 0);
    assert.equal(find(samples, 'cpu_load').length, 1);
    const err = events.find((e) => e.type === 'error');
    assert.equal(err?.type === 'error' && err.message, 'device 12 (10.0.0.5): unknown SNMP profile "nope"');
  });

  it("polls only the system group with profiles ['system'], in one GET", async () => {
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco() } });
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: clock() });
    const { samples, events } = await poller.poll(device({ profiles: ['system'] }));
    assert.deepEqual(
      fake.calls.map((c) => c.op),
      ['get'],
    );
    assert.deepEqual(
      samples.map((s) => s.metric),
      ['sys_uptime', 'sys_rebooted'],
    );
    assert.equal(events.length, 1);
  });

  it('runs at most maxConcurrentPolls device polls at once; the others wait before sending anything', async () => {
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco() } });
    let running = 0;
    let peak = 0;
    const slow = {
      ...fake,
      async get(t: Parameters<typeof fake.get>[0], oids: string[]) {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return fake.get(t, oids);
      },
    };
    const poller = createSnmpPoller({
      maxInFlight: 8,
      maxConcurrentPolls: 2,
      transport: slow,
      clock: clock(),
    });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((id) => poller.poll(device({ id, profiles: ['system'] }))),
    );
    assert.equal(results.length, 5);
    for (const r of results)
      assert.equal(
        state(r.events)?.type === 'device_state' && (state(r.events) as { status: string }).status,
        'online',
      );
    assert.equal(peak, 2);
  });

  it('never throws, even when a profile has a bug', async () => {
    const broken = {
      name: 'broken',
      description: 'throws',
      applies: () => true,
      scalars: ['1.3.6.1.2.1.1.5.0'],
      collect: () => {
        throw new Error('boom');
      },
    };
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco() } });
    const poller = createSnmpPoller({
      maxInFlight: 1,
      transport: fake,
      clock: clock(),
      profiles: registerProfiles([system, broken]),
    });
    const { events } = await poller.poll(device());
    assert.equal(
      state(events)?.type === 'device_state' && (state(events) as { status: string }).status,
      'online',
    );
    assert.match(JSON.stringify(events), /profile broken: boom/);
  });

  it('forgets a device: its session is closed and its counters start over', async () => {
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco() } });
    const c = clock();
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: c });
    await poller.poll(device());
    poller.forget(12);
    assert.deepEqual(fake.calls.at(-1), { op: 'forget', id: '12' });
    c.advance(60);
    fake.setAgent('10.0.0.5', { varbinds: cisco({ uptime: 106_000, in1: 20_000_000n }) });
    const { samples } = await poller.poll(device());
    assert.equal(find(samples, 'if_in_bps').length, 0);
    poller.close();
    assert.deepEqual(fake.calls.at(-1), { op: 'close' });
  });

  it('walks a subtree for a job, row by row, up to a limit', async () => {
    const fake = createFakeTransport({ '10.0.0.5': { varbinds: cisco() } });
    const poller = createSnmpPoller({ maxInFlight: 4, transport: fake, clock: clock() });
    const rows: string[] = [];
    const res = await poller.walk(device(), `${IF}.2`, (r) => rows.push(`${r.oid} ${r.type} ${r.value}`));
    assert.deepEqual(rows, [`${IF}.2.1 STRING GigabitEthernet0/1`, `${IF}.2.2 STRING GigabitEthernet0/2`]);
    assert.deepEqual(res, { rows: 2, truncated: false });
    const limited = await poller.walk(device(), '1.3.6.1.2.1.1', () => {}, { maxRows: 3 });
    assert.deepEqual(limited, { rows: 3, truncated: true });
    fake.setAgent('10.0.0.5', undefined);
    await assert.rejects(
      poller.walk(device(), '1.3.6.1.2.1.1', () => {}),
      /device 12 \(10.0.0.5\): walk 1.3.6.1.2.1.1: timeout/,
    );
  });
});
