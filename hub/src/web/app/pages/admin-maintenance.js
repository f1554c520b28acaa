// Maintenance windows: alerts in scope are kept quiet while a window is active.
import { api } from '../api.js';
import { when } from '../format.js';
import { html, useState } from '../html.js';
import { Dialog, ErrorNote, Field, useAction, useFetch } from '../ui.js';

const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

function scopeText(s) {
  return s.type === 'all' ? 'everything' : `${s.type} ${s.id ?? ''}`;
}

function scheduleText(s) {
  if (s.type === 'once') return `${when(s.starts_at)} → ${when(s.ends_at)}`;
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  return `${s.days.map((d) => days[d]).join(', ')} ${s.start}–${s.end} ${s.timezone ?? ''}`;
}

function WindowDialog({ sites, onClose, onSaved }) {
  const now = new Date();
  const [f, setF] = useState({
    name: '',
    site: '',
    starts: local(now),
    ends: local(new Date(now.getTime() + 2 * 3600_000)),
  });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const save = useAction(async () => {
    await api('POST', '/maintenance', {
      name: f.name,
      scope: f.site ? { type: 'site', id: Number(f.site) } : { type: 'all' },
      schedule: {
        type: 'once',
        starts_at: new Date(f.starts).toISOString(),
        ends_at: new Date(f.ends).toISOString(),
      },
    });
    onSaved();
  });
  return html`<${Dialog} title="Add a maintenance window" onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <${Field} label="Name"><input required value=${f.name} onInput=${set('name')} /></${Field}>
      <${Field} label="Scope"><select value=${f.site} onChange=${set('site')}><option value="">Everything</option>${sites.map((s) => html`<option value=${s.id}>Site ${s.name}</option>`)}</select></${Field}>
      <${Field} label="Starts"><input type="datetime-local" required value=${f.starts} onInput=${set('starts')} /></${Field}>
      <${Field} label="Ends"><input type="datetime-local" required value=${f.ends} onInput=${set('ends')} /></${Field}>
      <p class="muted">Weekly windows: use the API (<code>schedule.type = "weekly"</code>).</p>
      <${ErrorNote} error=${save.error} />
      <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>Add window</button></div>
    </form>
  </${Dialog}>`;
}

export function MaintenanceTab() {
  const list = useFetch('/maintenance');
  const sites = useFetch('/sites?per_page=500');
  const [adding, setAdding] = useState(false);
  const act = useAction(async (fn) => {
    await fn();
    list.reload();
  });
  return html`<div>
    <div class="title-row"><h2>Maintenance windows</h2><button type="button" class="primary" onClick=${() => setAdding(true)}>Add window</button></div>
    <${ErrorNote} error=${list.error ?? act.error} />
    <div class="table-wrap"><table>
      <thead><tr><th>Name</th><th>Scope</th><th>When</th><th>State</th><th><span class="sr">Actions</span></th></tr></thead>
      <tbody>${(list.data?.windows ?? []).map(
        (w) => html`<tr>
        <td>${w.name}</td><td>${scopeText(w.scope)}</td><td>${scheduleText(w.schedule)}</td>
        <td>${w.active_now ? html`<strong>● active now</strong>` : w.enabled ? 'scheduled' : 'disabled'}</td>
        <td><button type="button" class="danger" onClick=${() => confirm(`Delete ${w.name}?`) && act.run(() => api('DELETE', `/maintenance/${w.id}`))}>Delete</button></td>
      </tr>`,
      )}
      ${list.data && list.data.windows.length === 0 ? html`<tr><td colspan="5" class="muted">No maintenance windows.</td></tr>` : null}</tbody>
    </table></div>
    ${
      adding
        ? html`<${WindowDialog} sites=${sites.data?.sites ?? []} onClose=${() => setAdding(false)} onSaved=${() => {
            setAdding(false);
            list.reload();
          }} />`
        : null
    }
  </div>`;
}
