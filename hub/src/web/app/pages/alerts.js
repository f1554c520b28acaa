// Alerts: filters, acknowledge (with a note), acknowledge all matching, history (resolved), live.
import { api, query } from '../api.js';
import { ago, when } from '../format.js';
import { html, useState } from '../html.js';
import { useLive } from '../live.js';
import { setParams } from '../router.js';
import { can } from '../session.js';
import {
  Dialog,
  ErrorNote,
  Field,
  Pager,
  SEVERITIES,
  Severity,
  Status,
  useAction,
  useFetch,
  useThrottle,
} from '../ui.js';
import { AlertDetails } from './alert-details.js';

function AckDialog({ alert, filters, total, onClose, onDone }) {
  const [note, setNote] = useState('');
  const ack = useAction(async () => {
    if (alert) await api('POST', `/alerts/${alert.id}/acknowledge`, note ? { note } : {});
    else await api('POST', '/alerts/acknowledge-all', { ...filters, ...(note ? { note } : {}) });
    onDone();
  });
  return html`<${Dialog} title=${alert ? `Acknowledge: ${alert.title}` : `Acknowledge all ${total} matching`} onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      ack.run();
    }}>
      <${Field} label="Note (optional)"><textarea name="note" rows="3" value=${note} onInput=${(e) => setNote(e.target.value)} placeholder="Who is on it, ticket number…"></textarea></${Field}>
      <${ErrorNote} error=${ack.error} />
      <div class="actions"><button type="submit" class="primary" disabled=${ack.busy}>Acknowledge</button></div>
    </form>
  </${Dialog}>`;
}

/** One alert opened from a link (search, site page): its facts and notifications above the list. */
function OneAlert({ id, onClose }) {
  const a = useFetch(`/alerts/${id}`);
  if (a.error) return html`<${ErrorNote} error=${a.error} />`;
  if (!a.data) return html`<p role="status">Loading…</p>`;
  const x = a.data;
  return html`<section class="card" data-testid="one-alert">
    <div class="title-row"><h2><${Severity} value=${x.severity} /> ${x.title}</h2><button type="button" onClick=${onClose}>Close</button></div>
    ${x.message ? html`<p>${x.message}</p>` : null}
    <p><${Status} value=${x.state} /> ${x.device_id ? html`<a href=${`#/devices/${x.device_id}`}>device ${x.device_name ?? x.device_id}</a>` : x.camera_id ? html`<a href=${`#/cameras/${x.camera_id}`}>camera ${x.camera_name ?? x.camera_id}</a>` : null}</p>
    <${AlertDetails} alert=${x} />
  </section>`;
}

export function AlertsPage({ params }) {
  const {
    state = 'open',
    severity = '',
    acknowledged = '',
    site_id = '',
    device_id = '',
    camera_id = '',
    page = '1',
  } = params;
  const filters = {
    state: state === 'all' ? undefined : state,
    severity,
    acknowledged,
    site_id,
    device_id,
    camera_id,
  };
  const list = useFetch(`/alerts${query({ ...filters, page, per_page: 50 })}`);
  const sites = useFetch('/sites?per_page=500');
  const [acking, setAcking] = useState(null);
  const [open, setOpen] = useState(null);
  const reload = useThrottle(list.reload, 1000);
  useLive('alert.changed', reload);
  const set = (k) => (e) => setParams({ ...params, [k]: e.target.value, page: 1 });
  const ackAllFilters = {
    ...(severity ? { severity: [severity] } : {}),
    ...(filters.state ? { state: filters.state } : {}),
    ...(site_id ? { site_id: Number(site_id) } : {}),
    ...(device_id ? { device_id: Number(device_id) } : {}),
    ...(camera_id ? { camera_id: Number(camera_id) } : {}),
  };
  const total = list.data?.pagination.total ?? 0;
  const canAck = can('operator');
  return html`<section>
    <div class="title-row"><h1>Alerts</h1>
      ${canAck && total > 0 ? html`<button type="button" onClick=${() => setAcking('all')}>Acknowledge all matching (${total})</button>` : null}</div>
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <select aria-label="State" value=${state} onChange=${set('state')}>
        <option value="open">Open</option><option value="resolved">Resolved (history)</option><option value="all">All</option>
      </select>
      <select aria-label="Severity" value=${severity} onChange=${set('severity')}>
        <option value="">Any severity</option>${SEVERITIES.map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
      <select aria-label="Acknowledged" value=${acknowledged} onChange=${set('acknowledged')}>
        <option value="">Acknowledged or not</option><option value="false">Not acknowledged</option><option value="true">Acknowledged</option>
      </select>
      <select aria-label="Site" value=${site_id} onChange=${set('site_id')}>
        <option value="">All sites</option>${(sites.data?.sites ?? []).map((s) => html`<option value=${s.id}>${s.name}</option>`)}
      </select>
      ${device_id || camera_id ? html`<button type="button" onClick=${() => setParams({ ...params, device_id: '', camera_id: '' })}>Clear ${device_id ? 'device' : 'camera'} filter ✕</button>` : null}
    </form>
    ${params.id ? html`<${OneAlert} id=${Number(params.id)} onClose=${() => setParams({ ...params, id: '' })} />` : null}
    <${ErrorNote} error=${list.error} />
    <div class="table-wrap"><table data-testid="alerts-table">
      <thead><tr><th>Severity</th><th>Alert</th><th>On</th><th>State</th><th>Since</th><th>Acknowledged</th>${canAck ? html`<th><span class="sr">Actions</span></th>` : null}</tr></thead>
      <tbody>
        ${(list.data?.alerts ?? []).map(
          (a) => html`<tr data-alert-id=${a.id}>
          <td><${Severity} value=${a.severity} /></td>
          <td><button type="button" class="link" aria-expanded=${open === a.id} onClick=${() => setOpen(open === a.id ? null : a.id)}>${a.title}</button>${a.message ? html`<div class="muted small">${a.message}</div>` : null}${a.count > 1 ? html` <small>×${a.count}</small>` : null}</td>
          <td>${a.device_id ? html`<a href=${`#/devices/${a.device_id}`}>device ${a.device_name ?? a.device_id}</a>` : a.camera_id ? html`<a href=${`#/cameras/${a.camera_id}`}>camera ${a.camera_name ?? a.camera_id}</a>` : a.agent_id ? html`agent ${a.agent_id}` : a.site_id ? `site ${a.site_id}` : '–'}</td>
          <td><${Status} value=${a.state} />${a.resolved_at ? html` <small class="muted">${ago(a.resolved_at)}</small>` : null}</td>
          <td title=${when(a.created_at)}>${ago(a.created_at)}</td>
          <td>${a.acknowledged ? html`✔ ${a.acknowledged_by_username ?? ''}${a.ack_note ? html`<div class="muted small">“${a.ack_note}”</div>` : null}` : html`<span class="muted">no</span>`}</td>
          ${canAck ? html`<td>${!a.acknowledged && a.state === 'open' ? html`<button type="button" onClick=${() => setAcking(a)}>Acknowledge</button>` : null}</td>` : null}
        </tr>
        ${open === a.id ? html`<tr><td colspan="7"><${AlertDetails} alert=${a} /></td></tr>` : null}`,
        )}
        ${list.data && list.data.alerts.length === 0 ? html`<tr><td colspan="7" class="muted">No alerts match.</td></tr>` : null}
      </tbody>
    </table></div>
    <${Pager} pagination=${list.data?.pagination} onPage=${(p) => setParams({ ...params, page: p })} />
    ${
      acking
        ? html`<${AckDialog} alert=${acking === 'all' ? null : acking} filters=${ackAllFilters} total=${total}
      onClose=${() => setAcking(null)} onDone=${() => {
        setAcking(null);
        list.reload();
      }} />`
        : null
    }
  </section>`;
}
