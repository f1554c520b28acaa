// A device's interfaces: latest status, speed, in/out rates and errors from the metrics API.
import { get, query } from '../api.js';
import { bps, num } from '../format.js';
import { html, useState } from '../html.js';
import { ErrorNote, Status } from '../ui.js';

const METRICS = [
  'if_oper_status',
  'if_speed_bps',
  'if_in_bps',
  'if_out_bps',
  'if_in_errors_ps',
  'if_out_errors_ps',
];
const OPER = { 1: 'up', 2: 'down', 3: 'testing', 5: 'dormant', 7: 'lowerLayerDown' };

async function latest(deviceId, metric) {
  const from = new Date(Date.now() - 15 * 60_000).toISOString();
  try {
    const r = await get(`/devices/${deviceId}/metrics${query({ name: metric, from })}`);
    return r.series;
  } catch (err) {
    if (err.status === 404) return [];
    throw err;
  }
}

/** Rows keyed by ifIndex from the newest point of each interface metric. */
export async function loadInterfaces(deviceId) {
  const rows = new Map();
  const all = await Promise.all(METRICS.map((m) => latest(deviceId, m)));
  METRICS.forEach((metric, i) => {
    for (const s of all[i]) {
      const key = s.labels.if_index ?? s.labels.if_name;
      const row = rows.get(key) ?? { index: Number(key), name: s.labels.if_name, alias: s.labels.if_alias };
      row[metric] = s.points.at(-1)?.v ?? null;
      rows.set(key, row);
    }
  });
  return [...rows.values()].sort((a, b) => a.index - b.index);
}

export function Interfaces({ rows, error }) {
  const [onlyUp, setOnlyUp] = useState(false);
  const shown = (rows ?? []).filter((r) => !onlyUp || r.if_oper_status === 1);
  return html`<section class="card">
    <div class="title-row"><h2>Interfaces</h2>
      <label class="check"><input type="checkbox" checked=${onlyUp} onChange=${(e) => setOnlyUp(e.target.checked)} /> Only up</label></div>
    <${ErrorNote} error=${error} />
    ${rows && rows.length === 0 ? html`<p class="muted">No interface data yet (it appears after two polls).</p>` : null}
    ${
      shown.length
        ? html`<div class="table-wrap"><table data-testid="interfaces">
      <thead><tr><th>#</th><th>Name</th><th>Status</th><th>Speed</th><th>In</th><th>Out</th><th>Errors in/out (/s)</th></tr></thead>
      <tbody>${shown.map(
        (r) => html`<tr>
        <td>${r.index}</td><td>${r.name}${r.alias ? html` <small class="muted">${r.alias}</small>` : null}</td>
        <td><${Status} value=${OPER[r.if_oper_status] ?? 'unknown'} /></td>
        <td>${bps(r.if_speed_bps)}</td><td>${bps(r.if_in_bps)}</td><td>${bps(r.if_out_bps)}</td>
        <td>${num(r.if_in_errors_ps, 2)} / ${num(r.if_out_errors_ps, 2)}</td>
      </tr>`,
      )}</tbody></table></div>`
        : null
    }
  </section>`;
}
