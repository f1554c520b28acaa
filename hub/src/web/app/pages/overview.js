// Overview: the fleet at a glance. Sites ranked by what is wrong (critical and high alerts, agent offline,
// devices down, backlog growing), a health grid with one cell per site, and the fleet's totals.
import { query } from '../api.js';
import { ago } from '../format.js';
import { html } from '../html.js';
import { useLive } from '../live.js';
import { setParams } from '../router.js';
import { ErrorNote, Pager, SEVERITIES, Severity, useFetch, useThrottle } from '../ui.js';
import { HealthGrid, STATE_LABEL, StateBadge } from './health-grid.js';

const STATES = ['critical', 'problem', 'warning', 'ok', 'empty'];

function Totals({ totals }) {
  if (!totals) return null;
  return html`<div class="grid stats">
    <div class="card stat" data-testid="count-sites">
      <h2>Sites</h2>
      <p class="big">${totals.sites}</p>
      <ul class="inline">${STATES.filter((s) => totals.by_state[s]).map(
        (s) =>
          html`<li><a href=${`#/?state=${s}`}><${StateBadge} state=${s} /> ${totals.by_state[s]}</a></li>`,
      )}</ul>
    </div>
    <div class="card stat" data-testid="count-devices">
      <h2><a href="#/devices">Devices</a></h2>
      <p class="big">${totals.devices}</p>
      <p><a href="#/devices?status=offline">${totals.devices_down} down</a>${totals.cameras ? html` · <a href="#/cameras">${totals.cameras} cameras</a>, ${totals.cameras_down} down` : null}</p>
    </div>
    <div class="card stat" data-testid="count-alerts">
      <h2><a href="#/alerts?state=open">Open alerts</a></h2>
      <p class="big">${SEVERITIES.reduce((n, s) => n + totals.open[s], 0)}</p>
      <ul class="inline">${SEVERITIES.map(
        (s) =>
          html`<li><a href=${`#/alerts?state=open&severity=${s}`}><${Severity} value=${s} /> ${totals.open[s]}</a></li>`,
      )}</ul>
    </div>
  </div>`;
}

export function SiteRow({ s }) {
  return html`<tr data-site=${s.name}>
    <td class="num">${s.rank}</td>
    <td><a href=${`#/sites/${s.id}`}><strong>${s.name}</strong></a><div><${StateBadge} state=${s.state} /></div></td>
    <td>${s.reasons.length ? html`<ul class="reasons">${s.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : html`<span class="muted">nothing wrong</span>`}</td>
    <td><a href=${`#/devices?site_id=${s.id}`}>${s.devices}</a>${s.devices_down ? html` <a class="warn" href=${`#/devices?site_id=${s.id}&status=offline`}>(${s.devices_down} down)</a>` : null}</td>
    <td>${s.agents ? html`${s.agents_online}/${s.agents} online` : html`<span class="muted">no agent</span>`}${s.backlog ? html`<div class="small">backlog ${s.backlog.toLocaleString()}${s.backlog_growing ? ' ▲' : ''}</div>` : null}</td>
    <td>${s.agents ? ago(s.last_seen) : '–'}</td>
  </tr>`;
}

export function OverviewPage({ params = {} }) {
  const { state = '', page = '1' } = params;
  const data = useFetch(`/overview${query({ state, page, per_page: 25 })}`);
  const reload = useThrottle(data.reload, 3000);
  useLive('*', reload);
  const d = data.data;
  return html`<section>
    <h1>Overview</h1>
    <${ErrorNote} error=${data.error} />
    <${Totals} totals=${d?.totals} />
    <section class="card">
      <div class="title-row"><h2>Site health</h2>
        <ul class="inline legend" aria-label="Legend">${STATES.map((s) => html`<li><${StateBadge} state=${s} /></li>`)}</ul>
      </div>
      ${d ? html`<${HealthGrid} cells=${d.grid} />` : html`<p role="status">Loading…</p>`}
    </section>
    <div class="title-row">
      <h2>${state ? `${STATE_LABEL[state]} sites` : 'Sites, worst first'}</h2>
      <label class="check">Show <select value=${state} onChange=${(e) => setParams({ state: e.target.value, page: 1 })}>
        <option value="">every site</option>${STATES.map((s) => html`<option value=${s}>${STATE_LABEL[s].toLowerCase()} only</option>`)}
      </select></label>
    </div>
    <div class="table-wrap"><table data-testid="sites-table">
      <thead><tr><th class="num">#</th><th>Site</th><th>What is wrong</th><th>Devices</th><th>Agents</th><th>Last seen</th></tr></thead>
      <tbody>
        ${(d?.sites ?? []).map((s) => html`<${SiteRow} s=${s} />`)}
        ${d && d.sites.length === 0 ? html`<tr><td colspan="6" class="muted">No sites${state ? ' in this state' : ' yet: add one under Agents & sites'}.</td></tr>` : null}
      </tbody>
    </table></div>
    <${Pager} pagination=${d?.pagination} onPage=${(p) => setParams({ ...params, page: p })} />
  </section>`;
}
