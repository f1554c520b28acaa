// Overview: device and camera counts by status, open alerts by severity, sites with their agents.

import { ago } from '../format.js';
import { html } from '../html.js';
import { useLive } from '../live.js';
import { ErrorNote, SEVERITIES, Severity, Status, useFetch, useThrottle } from '../ui.js';

function Counts({ title, data, href }) {
  if (!data) return html`<div class="card stat"><h2>${title}</h2><p>…</p></div>`;
  const keys = Object.keys(data).filter((k) => k !== 'total' && typeof data[k] === 'number');
  return html`<div class="card stat" data-testid=${`count-${title.toLowerCase()}`}>
    <h2><a href=${href}>${title}</a></h2>
    <p class="big">${data.total}</p>
    <ul class="inline">${keys.map((k) => html`<li><a href=${`${href}?status=${k}`}><${Status} value=${k} /> ${data[k]}</a></li>`)}</ul>
  </div>`;
}

export function OverviewPage() {
  const devices = useFetch('/devices/status');
  const cameras = useFetch('/cameras/status');
  const alerts = useFetch('/alerts/summary');
  const sites = useFetch('/sites?per_page=200');
  const agents = useFetch('/agents');
  const reload = useThrottle(() => {
    devices.reload();
    cameras.reload();
    alerts.reload();
    agents.reload();
  }, 2000);
  useLive('*', reload);
  const bySite = new Map();
  for (const a of agents.data?.items ?? []) {
    const list = bySite.get(a.site_id) ?? [];
    list.push(a);
    bySite.set(a.site_id, list);
  }
  return html`<section>
    <h1>Overview</h1>
    <${ErrorNote} error=${devices.error ?? alerts.error ?? sites.error} />
    <div class="grid stats">
      <${Counts} title="Devices" data=${devices.data} href="#/devices" />
      <${Counts} title="Cameras" data=${cameras.data} href="#/cameras" />
      <div class="card stat" data-testid="count-alerts">
        <h2><a href="#/alerts?state=open">Open alerts</a></h2>
        <p class="big">${alerts.data?.total ?? '…'}</p>
        <ul class="inline">
          ${SEVERITIES.map((s) => html`<li><a href=${`#/alerts?state=open&severity=${s}`}><${Severity} value=${s} /> ${alerts.data?.[s] ?? 0}</a></li>`)}
        </ul>
        <p class="muted">${alerts.data?.unacknowledged ?? 0} not acknowledged · ${alerts.data?.recent ?? 0} in the last 24 h</p>
      </div>
    </div>
    <h2>Sites</h2>
    <div class="table-wrap"><table>
      <thead><tr><th>Site</th><th>Devices</th><th>Cameras</th><th>Agent</th><th>Backlog</th><th>Last seen</th></tr></thead>
      <tbody>
        ${(sites.data?.sites ?? []).map((s) => {
          const list = bySite.get(s.id) ?? [];
          return html`<tr>
            <td><a href=${`#/devices?site_id=${s.id}`}>${s.name}</a></td>
            <td>${s.device_count ?? '–'}</td><td>${s.camera_count ?? '–'}</td>
            <td>${list.length ? list.map((a) => html`<div><${Status} value=${a.status} /> <small>${a.hostname ?? a.id}</small></div>`) : html`<span class="muted">no agent</span>`}</td>
            <td>${list.reduce((n, a) => n + a.backlog, 0)}</td>
            <td>${
              list.length
                ? ago(
                    list
                      .map((a) => a.last_seen)
                      .sort()
                      .at(-1),
                  )
                : '–'
            }</td>
          </tr>`;
        })}
      </tbody>
    </table></div>
  </section>`;
}
