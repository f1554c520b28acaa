// Notification channels (email, Slack, webhook) with their routes: list, add, edit, test, enable, delete.
import { api } from '../api.js';
import { html, useState } from '../html.js';
import { ScopeText } from '../picker.js';
import { useSites } from '../sites.js';
import { ErrorNote, Severity, useAction, useFetch } from '../ui.js';
import { ChannelForm } from './channel-form.js';

function routeText(r, sites) {
  const parts = [r.severities ? r.severities.join('/') : 'from the lowest severity'];
  if (r.rules) parts.push(`${r.rules.length} rule${r.rules.length > 1 ? 's' : ''}`);
  if (r.delay_s) parts.push(`after ${Math.round(r.delay_s / 60)} min`);
  if (r.repeat_interval_s === 0) parts.push('no repeats');
  else if (r.repeat_interval_s) parts.push(`repeat every ${Math.round(r.repeat_interval_s / 60)} min`);
  return html`<${ScopeText} scope=${r.scope} sitesById=${sites} /> · ${parts.join(' · ')}`;
}

export function ChannelsTab() {
  const list = useFetch('/notification-channels');
  const { byId } = useSites();
  const [editing, setEditing] = useState(null);
  const [tested, setTested] = useState({});
  const act = useAction(async (fn) => {
    await fn();
    list.reload();
  });
  const test = useAction(async (c) => {
    setTested({ ...tested, [c.id]: '… sending' });
    const r = await api('POST', `/notification-channels/${c.id}/test`);
    setTested({ ...tested, [c.id]: r.ok ? '✔ delivered' : `✖ ${r.error ?? `status ${r.status_code}`}` });
  });
  return html`<div>
    <div class="title-row"><h2>Notification channels</h2><button type="button" class="primary" onClick=${() => setEditing('new')}>Add channel</button></div>
    <${ErrorNote} error=${list.error ?? act.error ?? test.error} />
    <div class="table-wrap"><table data-testid="channels-table">
      <thead><tr><th>Name</th><th>Type</th><th>Routes</th><th>State</th><th><span class="sr">Actions</span></th></tr></thead>
      <tbody>${(list.data?.channels ?? []).map(
        (c) => html`<tr>
        <td>${c.name}</td><td>${c.type}</td>
        <td>${c.routes.length ? html`<ul class="reasons small">${c.routes.map((r) => html`<li>${routeText(r, byId)}</li>`)}</ul>` : html`every alert from <${Severity} value=${c.min_severity} />`}</td>
        <td>${c.enabled ? 'enabled' : 'disabled'} ${tested[c.id] ? html`<div class="small" role="status">${tested[c.id]}</div>` : null}</td>
        <td class="actions"><button type="button" onClick=${() => test.run(c)}>Send test</button>
          <button type="button" onClick=${() => setEditing(c)} aria-label=${`Edit ${c.name}`}>Edit</button>
          <button type="button" onClick=${() => act.run(() => api('PATCH', `/notification-channels/${c.id}`, { enabled: !c.enabled }))}>${c.enabled ? 'Disable' : 'Enable'}</button>
          <button type="button" class="danger" onClick=${() => confirm(`Delete ${c.name}?`) && act.run(() => api('DELETE', `/notification-channels/${c.id}`))}>Delete</button></td>
      </tr>`,
      )}
      ${list.data && list.data.channels.length === 0 ? html`<tr><td colspan="5" class="muted">No channels: alerts are only shown here.</td></tr>` : null}</tbody>
    </table></div>
    ${
      editing
        ? html`<${ChannelForm} channel=${editing === 'new' ? null : editing} onClose=${() => setEditing(null)} onSaved=${() => {
            setEditing(null);
            list.reload();
          }} />`
        : null
    }
  </div>`;
}
