// The health part of a site's page: what is wrong and why (the overview's assessment), its agents, open alerts
// and devices down, with links to the site's devices, cameras and alert history.
import { query } from '../api.js';
import { ago } from '../format.js';
import { html } from '../html.js';
import { useLive } from '../live.js';
import { ErrorNote, Severity, Status, useFetch, useThrottle } from '../ui.js';
import { StateBadge } from './health-grid.js';

export function SiteHealth({ id }) {
  const health = useFetch(`/overview${query({ site_id: id, grid: 'false' })}`);
  const alerts = useFetch(`/alerts${query({ site_id: id, state: 'open', per_page: 20 })}`);
  const down = useFetch(`/devices${query({ site_id: id, status: 'offline', per_page: 20 })}`);
  const agents = useFetch(`/agents${query({ site_id: id })}`);
  const reload = useThrottle(() => {
    health.reload();
    alerts.reload();
    down.reload();
    agents.reload();
  }, 3000);
  useLive('*', reload);
  const s = health.data?.sites?.[0];
  if (health.error) return html`<${ErrorNote} error=${health.error} />`;
  if (!health.data) return html`<p role="status">Loading…</p>`;
  if (!s) return null;
  const mine = agents.data?.items ?? [];
  return html`<div data-testid="site-health">
    <p class="site-state"><${StateBadge} state=${s.state} />
      <a href=${`#/devices?site_id=${id}`}>Devices (${s.devices})</a> · <a href=${`#/cameras?site_id=${id}`}>Cameras (${s.cameras})</a> · <a href=${`#/alerts?site_id=${id}&state=all`}>Alert history</a></p>
    <div class="grid two">
      <section class="card">
        <h2>What is wrong</h2>
        ${s.reasons.length ? html`<ul class="reasons" data-testid="site-reasons">${s.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : html`<p class="ok">Nothing: every device answers and no alert is open.</p>`}
        <p class="muted small">Rank ${s.rank} of ${health.data.totals.sites} sites.</p>
      </section>
      <section class="card">
        <h2>Agents</h2>
        ${
          !agents.data
            ? agents.error
              ? html`<${ErrorNote} error=${agents.error} />`
              : html`<p role="status">Loading…</p>`
            : mine.length
              ? html`<ul class="plain">${mine.map(
                  (
                    a,
                  ) => html`<li><${Status} value=${a.status} title=${a.status_reason ?? ''} /> ${a.hostname ?? a.id}
              <small class="muted"> seen ${ago(a.last_seen)} · backlog ${a.backlog}${a.dropped ? ` · ${a.dropped} dropped` : ''}</small></li>`,
                )}</ul>`
              : html`<p class="muted">No agent: enroll one under <a href="#/agents">Agents & sites</a>.</p>`
        }
      </section>
    </div>
    <section class="card">
      <h2>Open alerts</h2>
      ${
        alerts.data?.alerts?.length
          ? html`<ul class="plain">${alerts.data.alerts.map(
              (
                a,
              ) => html`<li><${Severity} value=${a.severity} /> <a href=${`#/alerts?id=${a.id}`}>${a.title}</a>
            <small class="muted"> ${ago(a.created_at)}${a.acknowledged ? ' · acknowledged' : ''}</small></li>`,
            )}</ul>`
          : html`<p class="muted">None.</p>`
      }
    </section>
    <section class="card">
      <h2>Devices down</h2>
      ${
        down.data?.devices?.length
          ? html`<ul class="plain">${down.data.devices.map(
              (
                d,
              ) => html`<li><${Status} value=${d.status} /> <a href=${`#/devices/${d.id}`}>${d.name}</a> <small class="muted">${d.ip_address}</small>
            ${d.status_error ? html`<div class="small reason">${d.status_error}</div>` : null}</li>`,
            )}</ul>`
          : html`<p class="muted">None.</p>`
      }
    </section>
  </div>`;
}
