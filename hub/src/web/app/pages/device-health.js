// What the SNMP profiles read beyond traffic: environment sensors (temperatures, fans, power supplies), a UPS
// (on battery, charge, runtime, load), PoE (budget per power source, each port's state and class) and wireless
// clients. Each card shows the latest value of every series the device reports; a device without them shows none.
import { get } from '../api.js';
import { duration } from '../format.js';
import { html, useEffect, useState } from '../html.js';
import { fetchMetric } from '../metrics.js';

const onOff = (v) => (v ? 'yes' : 'no');
const fixed = (d, unit) => (v) => `${Number(v).toFixed(d)}${unit}`;
// ENTITY-STATE / CISCO-ENVMON states as the profiles map them: 1 normal, 2 warning, 3 critical, ...
const STATES = {
  1: 'normal',
  2: 'warning',
  3: 'critical',
  4: 'shutdown',
  5: 'not present',
  6: 'not functioning',
};
const state = (v) => STATES[v] ?? String(v);
// POWER-ETHERNET-MIB pethPsePortDetectionStatus.
const POE_PORT = {
  1: 'disabled',
  2: 'searching',
  3: 'delivering power',
  4: 'fault',
  5: 'test',
  6: 'other fault',
};

/** The cards, their metrics in order, and how each value reads. */
export const HEALTH_CARDS = [
  {
    title: 'Environment',
    testid: 'health-sensors',
    metrics: [
      ['temperature_celsius', 'Temperature', fixed(1, ' °C')],
      ['temperature_state', 'Temperature state', state],
      ['fan_rpm', 'Fan', fixed(0, ' rpm')],
      ['fan_state', 'Fan state', state],
      ['psu_state', 'Power supply', state],
      ['voltage_volts', 'Voltage', fixed(2, ' V')],
      ['current_amperes', 'Current', fixed(2, ' A')],
      ['power_watts', 'Power', fixed(1, ' W')],
      ['humidity_percent', 'Humidity', fixed(0, ' %')],
      ['sensor_state', 'Sensor state', state],
    ],
  },
  {
    title: 'UPS',
    testid: 'health-ups',
    metrics: [
      ['ups_on_battery', 'On battery', onOff],
      ['ups_battery_charge_percent', 'Battery charge', fixed(0, ' %')],
      ['ups_runtime_s', 'Runtime left', (v) => duration(v)],
      ['ups_load_percent', 'Load', fixed(0, ' %')],
      ['ups_battery_replace', 'Replace battery', onOff],
      ['ups_input_voltage', 'Input', fixed(0, ' V')],
      ['ups_output_voltage', 'Output', fixed(0, ' V')],
      ['ups_battery_temperature_celsius', 'Battery temperature', fixed(1, ' °C')],
    ],
  },
  {
    title: 'PoE',
    testid: 'health-poe',
    metrics: [
      ['poe_budget_watts', 'Budget', fixed(0, ' W')],
      ['poe_consumption_watts', 'Drawn', fixed(1, ' W')],
      ['poe_used_percent', 'Budget used', fixed(0, ' %')],
      ['poe_port_status', 'Port', (v) => POE_PORT[v] ?? String(v)],
      ['poe_port_class', 'Port power class', (v) => `class ${v}`],
      ['poe_port_power_watts', 'Port draws', fixed(1, ' W')],
    ],
  },
  {
    title: 'Wireless',
    testid: 'health-wifi',
    metrics: [
      ['wifi_clients_total', 'Clients', fixed(0, '')],
      ['wifi_clients', 'Clients', fixed(0, '')],
    ],
  },
];

const WANTED = new Set(HEALTH_CARDS.flatMap((c) => c.metrics.map(([m]) => m)));

/** A series' labels in words: `pse 1`, `poe_port 1.5`, `ssid Staff · radio ng`. */
const labelText = (labels) =>
  Object.entries(labels)
    .map(([k, v]) => `${k.replace('poe_', '').replace('_', ' ')} ${v}`)
    .join(' · ');

async function loadHealth(deviceId) {
  const { metrics } = await get(`/devices/${deviceId}/metrics`);
  const names = [...new Set(metrics.map((m) => m.name))].filter((n) => WANTED.has(n));
  const latest = new Map();
  await Promise.all(
    names.map(async (name) => {
      const r = await fetchMetric(`/devices/${deviceId}`, name, '1h');
      const rows = (r?.series ?? [])
        .map((s) => ({ labels: s.labels, point: s.points.at(-1) }))
        .filter((s) => s.point);
      if (rows.length) latest.set(name, rows);
    }),
  );
  return latest;
}

export function DeviceHealth({ deviceId, stamp }) {
  const [latest, setLatest] = useState(null);
  useEffect(() => {
    loadHealth(deviceId).then(setLatest, () => setLatest(null));
  }, [deviceId, stamp]);
  if (!latest?.size) return null;
  const cards = HEALTH_CARDS.map((card) => ({
    ...card,
    rows: card.metrics.flatMap(([name, label, show]) =>
      (latest.get(name) ?? []).map((s) => ({ label, what: labelText(s.labels), value: show(s.point.v) })),
    ),
  })).filter((c) => c.rows.length);
  return html`<div class="grid two">${cards.map(
    (c) => html`<section class="card" data-testid=${c.testid}>
      <h2>${c.title}</h2>
      <table class="table"><tbody>${c.rows.map(
        (r) =>
          html`<tr><th scope="row">${r.label}</th><td class="muted">${r.what}</td><td>${r.value}</td></tr>`,
      )}</tbody></table>
    </section>`,
  )}</div>`;
}
