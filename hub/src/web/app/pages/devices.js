// Devices: server-side pagination, filters and search (fast with thousands of devices).
import { query } from '../api.js';
import { ago } from '../format.js';
import { html, useEffect, useState } from '../html.js';
import { useLive } from '../live.js';
import { setParams } from '../router.js';
import { can } from '../session.js';
import { useSites } from '../sites.js';
import { ErrorNote, Pager, Status, useFetch, useThrottle } from '../ui.js';
import { DeviceForm } from './device-form.js';

const TYPES = ['switch', 'router', 'access_point', 'firewall', 'server', 'ups', 'printer', 'other'];

export function DevicesPage({ params }) {
  const {
    q = '',
    status = '',
    site_id = '',
    device_type = '',
    page = '1',
    sort = 'name',
    order = 'asc',
  } = params;
  const [search, setSearch] = useState(q);
  const [adding, setAdding] = useState(false);
  const list = useFetch(
    `/devices${query({ q, status, site_id, device_type, page, sort, order, per_page: 50 })}`,
  );
  const { sites, byId } = useSites();
  const reload = useThrottle(list.reload, 2000);
  useLive('device.status', reload);
  useEffect(() => {
    const t = setTimeout(() => search !== q && setParams({ ...params, q: search, page: 1 }), 300);
    return () => clearTimeout(t);
  }, [search]);
  const set = (k) => (e) => setParams({ ...params, [k]: e.target.value, page: 1 });
  const sortBy = (key) =>
    setParams({ ...params, sort: key, order: sort === key && order === 'asc' ? 'desc' : 'asc' });
  const th = (key, label) =>
    html`<th aria-sort=${sort === key ? (order === 'asc' ? 'ascending' : 'descending') : undefined}><button type="button" class="link" onClick=${() => sortBy(key)}>${label}${sort === key ? (order === 'asc' ? ' ▲' : ' ▼') : ''}</button></th>`;
  return html`<section>
    <div class="title-row"><h1>Devices</h1>${can('operator') ? html`<button type="button" class="primary" onClick=${() => setAdding(true)}>Add device</button>` : null}</div>
    <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
      <input type="search" aria-label="Search devices" placeholder="Search name, IP, sysName, vendor, MAC" value=${search} onInput=${(e) => setSearch(e.target.value)} />
      <select aria-label="Status" value=${status} onChange=${set('status')}>
        <option value="">Any status</option><option value="online">online</option><option value="offline">down (unreachable or auth failed)</option>
        <option value="unreachable">unreachable</option><option value="auth_failed">auth failed</option><option value="unknown">not polled yet</option>
      </select>
      <select aria-label="Site" value=${site_id} onChange=${set('site_id')}>
        <option value="">All sites</option>${sites.map((s) => html`<option value=${s.id}>${s.name}</option>`)}
      </select>
      <select aria-label="Type" value=${device_type} onChange=${set('device_type')}>
        <option value="">Any type</option>${TYPES.map((t) => html`<option value=${t}>${t.replace('_', ' ')}</option>`)}
      </select>
    </form>
    <${ErrorNote} error=${list.error} />
    <div class="table-wrap"><table data-testid="devices-table">
      <thead><tr>${th('name', 'Name')}${th('ip_address', 'IP')}<th>Site</th><th>Type</th>${th('status', 'Status')}${th('last_seen', 'Last seen')}</tr></thead>
      <tbody>
        ${(list.data?.devices ?? []).map(
          (d) => html`<tr>
            <td><a href=${`#/devices/${d.id}`}>${d.name}</a>${d.sys_name && d.sys_name !== d.name ? html` <small class="muted">${d.sys_name}</small>` : null}</td>
            <td>${d.ip_address}</td><td><a href=${`#/sites/${d.site_id}`}>${byId.get(d.site_id)?.name ?? d.site_id}</a></td><td>${d.device_type.replace('_', ' ')}</td>
            <td><${Status} value=${d.status} title=${d.status_error ?? ''} />${d.status !== 'online' && d.status_error ? html`<div class="small reason">${d.status_error}</div>` : null}</td><td>${ago(d.last_seen)}</td>
          </tr>`,
        )}
        ${list.data && list.data.devices.length === 0 ? html`<tr><td colspan="6" class="muted">No devices match.</td></tr>` : null}
      </tbody>
    </table></div>
    <${Pager} pagination=${list.data?.pagination} onPage=${(p) => setParams({ ...params, page: p })} />
    ${
      adding
        ? html`<${DeviceForm} onClose=${() => setAdding(false)} onSaved=${() => {
            setAdding(false);
            list.reload();
          }} />`
        : null
    }
  </section>`;
}
