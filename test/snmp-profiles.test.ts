// The environment, power, PoE, wireless and printer profiles against data no one here wrote where it exists
// (Debian's snmpsim recording of a Cisco Catalyst 3750: CISCO-ENVMON-MIB, POWER-ETHERNET-MIB and
// CISCO-POWER-ETHERNET-EXT-MIB), and otherwise
// against the demo's net-snmp agents, which answer these MIBs as their definitions describe. Values are checked
// against what Net-SNMP's own snmpbulkwalk reads from the same agent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSnmpPoller, type SnmpPoller } from '@outpost/agent';
import { CustomOidSchema, type DeviceConfig, type Sample } from '@outpost/protocol';
import { type SimulatedDevice, startSimulatedSite } from '../demo/sim/index.js';
import { needPeers } from './support/peers.js';
import { snmpCli, v2cArgs } from './support/snmpd.js';
import { type RunningSnmpsim, startSnmpsim } from './support/snmpsim.js';

const metric = (samples: Sample[], name: string, label?: [string, string]) =>
  samples.filter((s) => s.metric === name && (!label || s.labels?.[label[0]] === label[1]));
const one = (samples: Sample[], name: string, label?: [string, string]) => {
  const m = metric(samples, name, label);
  assert.equal(m.length, 1, `${name}${label ? `{${label.join('=')}}` : ''}: ${JSON.stringify(m)}`);
  return m[0]!.value;
};
const walk = (port: number, community: string, oid: string, host = '127.0.0.1') =>
  snmpCli('snmpbulkwalk', ['-v2c', '-c', community, `${host}:${port}`, oid]);
const num = (v: string | undefined) => Number(String(v).replace(/^"|"$/g, ''));
const text = (v: string | undefined) => String(v).replace(/^"|"$/g, '');

describe('Cisco 3750 recording (snmpsim): envmon and PoE', {
  skip: needPeers('snmpsimd', 'snmpbulkwalk'),
}, () => {
  let sim: RunningSnmpsim;
  let poller: SnmpPoller;
  let samples: Sample[] = [];
  let device: DeviceConfig;
  before(async () => {
    sim = await startSnmpsim({ devices: 1 });
    poller = createSnmpPoller({ maxInFlight: 8 });
    device = {
      id: 1,
      name: 'c3750',
      ip_address: '127.0.0.1',
      port: sim.devices[0]!.port,
      snmp: { version: '2c', community: sim.devices[0]!.community },
      poll_interval_s: 60,
      timeout_ms: 3000,
      retries: 1,
      profiles: [],
    };
    const out = await poller.poll(device);
    assert.equal(out.events[0]?.type, 'device_state');
    assert.ok(!out.events.some((e) => e.type === 'error'), JSON.stringify(out.events));
    samples = out.samples;
  });
  after(async () => {
    poller?.close();
    await sim?.stop();
  });

  it('reports each fan and power supply with its state and name, as snmpbulkwalk reads them', async () => {
    const cli = await walk(
      device.port,
      device.snmp.version === '2c' ? device.snmp.community : '',
      '1.3.6.1.4.1.9.9.13.1',
    );
    const fans = [...cli].filter(([k]) => k.startsWith('1.3.6.1.4.1.9.9.13.1.4.1.3.'));
    const psus = [...cli].filter(([k]) => k.startsWith('1.3.6.1.4.1.9.9.13.1.5.1.3.'));
    assert.ok(fans.length > 0 && psus.length > 0, 'the recording has fans and supplies');
    for (const [oid, state] of fans) {
      const idx = oid.split('.').pop()!;
      const name = text(cli.get(`1.3.6.1.4.1.9.9.13.1.4.1.2.${idx}`));
      assert.equal(one(samples, 'fan_state', ['sensor', name]), num(state));
    }
    for (const [oid, state] of psus) {
      const idx = oid.split('.').pop()!;
      const name = text(cli.get(`1.3.6.1.4.1.9.9.13.1.5.1.2.${idx}`));
      assert.equal(one(samples, 'psu_state', ['sensor', name]), num(state));
    }
    assert.equal(one(samples, 'fan_state', ['sensor', 'Switch#3, Fan#1']), 1, 'normal(1)');
  });

  it('reports the PoE budget, consumption and each port, as snmpbulkwalk reads them', async () => {
    const community = device.snmp.version === '2c' ? device.snmp.community : '';
    const main = await walk(device.port, community, '1.3.6.1.2.1.105.1.3.1.1');
    const budget = num(main.get('1.3.6.1.2.1.105.1.3.1.1.2.3'));
    const used = num(main.get('1.3.6.1.2.1.105.1.3.1.1.4.3'));
    assert.equal(one(samples, 'poe_budget_watts', ['pse', '3']), budget);
    assert.equal(one(samples, 'poe_consumption_watts', ['pse', '3']), used);
    assert.equal(one(samples, 'poe_used_percent', ['pse', '3']), (used / budget) * 100);
    const ports = await walk(device.port, community, '1.3.6.1.2.1.105.1.1.1.6');
    assert.ok(ports.size > 0);
    for (const [oid, status] of ports) {
      const port = oid.split('.').slice(-2).join('.');
      assert.equal(one(samples, 'poe_port_status', ['poe_port', port]), num(status), port);
      assert.equal(one(samples, 'poe_port_delivering', ['poe_port', port]), num(status) === 3 ? 1 : 0);
    }
  });
  it('reports the power each PoE port draws and may draw (CISCO-POWER-ETHERNET-EXT-MIB), in watts', async () => {
    const community = device.snmp.version === '2c' ? device.snmp.community : '';
    const drawn = await walk(device.port, community, '1.3.6.1.4.1.9.9.402.1.2.1.9');
    const max = await walk(device.port, community, '1.3.6.1.4.1.9.9.402.1.2.1.6');
    assert.ok(drawn.size > 0);
    for (const [oid, mw] of drawn) {
      const port = oid.split('.').slice(-2).join('.');
      assert.equal(one(samples, 'poe_port_power_watts', ['poe_port', port]), num(mw) / 1000, port);
      assert.equal(
        one(samples, 'poe_port_power_max_watts', ['poe_port', port]),
        num(max.get(`1.3.6.1.4.1.9.9.402.1.2.1.6.${port}`)) / 1000,
      );
    }
    // The ports that draw power are the ones RFC 3621 says deliver it: the same group.port label on both.
    const powered = metric(samples, 'poe_port_power_watts').filter((s) => s.value > 0);
    const delivering = metric(samples, 'poe_port_delivering').filter((s) => s.value === 1);
    assert.ok(powered.length > 0);
    assert.deepEqual(
      powered.map((s) => s.labels?.poe_port).sort(),
      delivering.map((s) => s.labels?.poe_port).sort(),
    );
  });

  it('polls custom OIDs (fetched, walked, text) to the values snmpbulkwalk reads', async () => {
    const community = device.snmp.version === '2c' ? device.snmp.community : '';
    const { samples: got } = await poller.poll({
      ...device,
      id: 2,
      profiles: ['system'],
      custom_oids: [
        { oid: '1.3.6.1.4.1.9.9.13.1.1.0', name: 'envmon_present' },
        { oid: '1.3.6.1.2.1.105.1.1.1.6', name: 'poe_detection', walk: true },
        { oid: '1.3.6.1.2.1.1.5.0', name: 'sys_name_info', type: 'string' },
      ].map((e) => CustomOidSchema.parse(e)),
    });
    const present = await snmpCli('snmpget', [
      ...v2cArgs(device.port, community),
      '1.3.6.1.4.1.9.9.13.1.1.0',
    ]);
    assert.equal(one(got, 'envmon_present'), num(present.get('1.3.6.1.4.1.9.9.13.1.1.0')));
    const ports = await walk(device.port, community, '1.3.6.1.2.1.105.1.1.1.6');
    assert.equal(metric(got, 'poe_detection').length, ports.size);
    for (const [oid, v] of ports) {
      const index = oid.slice('1.3.6.1.2.1.105.1.1.1.6.'.length);
      assert.equal(one(got, 'poe_detection', ['index', index]), num(v));
    }
    assert.equal(one(got, 'sys_name_info', ['value', 'Profiler3750']), 1);
  });
});

describe('demo agents written from the MIB definitions', { skip: needPeers('snmpbulkwalk') }, () => {
  let site: SimulatedDevice[] = [];
  let poller: SnmpPoller;
  const poll = async (kind: string, profiles: string[] = []) => {
    const d = site.find((x) => x.kind === kind)!;
    const out = await poller.poll({
      id: 9,
      name: d.name,
      ip_address: d.host,
      port: d.port,
      snmp: { version: '2c', community: d.community },
      poll_interval_s: 60,
      timeout_ms: 2000,
      retries: 1,
      profiles,
    });
    assert.equal((out.events[0] as { status?: string }).status, 'online');
    assert.ok(!out.events.some((e) => e.type === 'error'), JSON.stringify(out.events));
    return { d, samples: out.samples };
  };
  before(async () => {
    site = await startSimulatedSite();
    poller = createSnmpPoller({ maxInFlight: 8 });
  });
  after(async () => {
    poller?.close();
    await Promise.all(site.map((d) => d.stop()));
  });

  it('reads the APC UPS through PowerNet-MIB (auto-selected) and RFC 1628 to the same metrics', async () => {
    const { d, samples } = await poll('ups');
    assert.equal(one(samples, 'ups_on_battery'), 0);
    assert.equal(one(samples, 'ups_battery_replace'), 0);
    const charge = one(samples, 'ups_battery_charge_percent');
    assert.ok(charge >= 90 && charge <= 100, String(charge));
    assert.equal(one(samples, 'ups_runtime_s') % 60, 0);
    assert.ok(one(samples, 'ups_load_percent') > 0);
    assert.equal(metric(samples, 'ups_input_voltage').length, 1);
    const rfc = (await poll('ups', ['ups-mib'])).samples;
    assert.equal(one(rfc, 'ups_on_battery'), 0, 'upsOutputSource normal(3)');
    assert.equal(one(rfc, 'ups_battery_voltage'), 54.5, 'upsBatteryVoltage is in 0.1 V');
    assert.equal(one(rfc, 'ups_battery_replace'), 0);
    const cli = await walk(d.port, d.community, '1.3.6.1.2.1.33.1.4.4.1.5', d.host);
    assert.ok(cli.size === 1 && metric(rfc, 'ups_load_percent').length === 1);
  });

  it('reads temperatures, fan speed and supply power from ENTITY-SENSOR-MIB, scaled', async () => {
    const { d, samples } = await poll('switch');
    const temp = one(samples, 'temperature_celsius', ['sensor', 'Inlet Temp Sensor']);
    assert.ok(temp >= 31 && temp <= 33, `precision 1: tenths (${temp})`);
    assert.ok(Math.abs(temp * 10 - Math.round(temp * 10)) < 1e-9);
    const rpm = one(samples, 'fan_rpm', ['sensor', 'Switch 1 - FAN 1']);
    assert.ok(rpm >= 6100 && rpm <= 6300);
    const watts = one(samples, 'power_watts', ['sensor', 'Switch 1 - Power Supply A']);
    assert.ok(watts >= 88 && watts <= 92, `milli scale (${watts})`);
    assert.equal(one(samples, 'sensor_state', ['sensor', 'Inlet Temp Sensor']), 1);
    // PoE on the same switch: 8 camera ports delivering, the others searching.
    assert.equal(metric(samples, 'poe_port_delivering').filter((s) => s.value === 1).length, 8);
    assert.equal(one(samples, 'poe_budget_watts', ['pse', '1']), 370);
    const cli = await walk(d.port, d.community, '1.3.6.1.2.1.99.1.1.1.1', d.host);
    assert.equal(cli.size, 3);
  });

  it('counts wireless clients per SSID and radio on the UniFi access point', async () => {
    const { samples } = await poll('access_point');
    const per = metric(samples, 'wifi_clients');
    assert.deepEqual(per.map((s) => `${s.labels?.ssid}/${s.labels?.radio}`).sort(), [
      'shop-guest/ng',
      'shop-staff/na',
      'shop-staff/ng',
    ]);
    assert.equal(
      one(samples, 'wifi_clients_total'),
      per.reduce((n, s) => n + s.value, 0),
    );
  });

  it('reads toner as a percent of its capacity and the printer status', async () => {
    const { d, samples } = await poll('printer');
    const cli = await walk(d.port, d.community, '1.3.6.1.2.1.43.11.1.1', d.host);
    const max = num(cli.get('1.3.6.1.2.1.43.11.1.1.8.1.1'));
    assert.equal(max, 10_000);
    const toner = one(samples, 'printer_supply_percent', ['supply', 'Black Cartridge HP CF259A']);
    assert.ok(toner > 0 && toner <= 100);
    assert.equal(one(samples, 'printer_supply_type', ['supply', 'Black Cartridge HP CF259A']), 3, 'toner(3)');
    assert.equal(
      one(samples, 'printer_supply_low', ['supply', 'Imaging Drum']),
      0,
      'level -3: some remaining',
    );
    assert.equal(metric(samples, 'printer_supply_percent', ['supply', 'Imaging Drum']).length, 0);
    assert.ok([3, 4].includes(one(samples, 'printer_status')));
  });
});
