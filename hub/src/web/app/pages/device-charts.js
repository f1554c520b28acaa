// Traffic, CPU and memory of a device over 1 h / 24 h / 7 d.
import { Chart } from '../chart.js';
import { bps, pct } from '../format.js';
import { html, useEffect, useState } from '../html.js';
import { fetchMetric, RANGES } from '../metrics.js';

const metric = (id, name, range, labels) => fetchMetric(`/devices/${id}`, name, range, labels);

/** Adds the series point-wise (points share bucket times because a step is given). */
function sum(series) {
  const acc = new Map();
  for (const s of series) for (const p of s.points) acc.set(p.t, (acc.get(p.t) ?? 0) + p.v);
  return [...acc].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v }));
}

async function loadCharts(id, range, ifName) {
  const labels = ifName ? `if_name=${ifName}` : undefined;
  const [inb, outb, busy, load, mem] = await Promise.all([
    metric(id, 'if_in_bps', range, labels),
    metric(id, 'if_out_bps', range, labels),
    metric(id, 'cpu_busy_percent', range),
    metric(id, 'cpu_load', range),
    metric(id, 'mem_used_percent', range),
  ]);
  const cpu = busy ?? load;
  return {
    traffic:
      inb || outb
        ? [
            { label: 'In', points: sum(inb?.series ?? []) },
            { label: 'Out', points: sum(outb?.series ?? []) },
          ]
        : null,
    cpu: cpu
      ? cpu.series.map((s) => ({ label: s.labels.cpu ?? s.labels.core ?? 'CPU', points: s.points }))
      : null,
    mem: mem ? [{ label: 'Memory used', points: mem.series.flatMap((s) => s.points) }] : null,
  };
}

export function DeviceCharts({ deviceId, interfaces, stamp }) {
  const [range, setRange] = useState('1h');
  const [ifName, setIfName] = useState('');
  const [data, setData] = useState(null);
  useEffect(() => {
    loadCharts(deviceId, range, ifName).then(setData, () => setData(null));
  }, [deviceId, range, ifName, stamp]);
  return html`<section class="card">
    <div class="title-row"><h2>Charts</h2>
      <div class="tabs" role="group" aria-label="Time range">
        ${Object.keys(RANGES).map((r) => html`<button type="button" aria-pressed=${r === range} onClick=${() => setRange(r)}>${r}</button>`)}
      </div>
      ${
        interfaces?.length
          ? html`<select aria-label="Interface" value=${ifName} onChange=${(e) => setIfName(e.target.value)}>
        <option value="">All interfaces</option>${interfaces.map((i) => html`<option value=${i.name}>${i.name}</option>`)}</select>`
          : null
      }
    </div>
    <div class="charts">
      <${Chart} title=${`Traffic${ifName ? ` on ${ifName}` : ''}`} series=${data?.traffic} format=${bps} spanS=${RANGES[range][0]} />
      ${data?.cpu ? html`<${Chart} title="CPU" series=${data.cpu} format=${pct} spanS=${RANGES[range][0]} />` : null}
      ${data?.mem ? html`<${Chart} title="Memory" series=${data.mem} format=${pct} spanS=${RANGES[range][0]} />` : null}
    </div>
  </section>`;
}
