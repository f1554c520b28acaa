// Maintenance windows, one-off or weekly: alerts in scope are recorded but not notified while one is active.
// A week calendar shows when they run; the table edits, enables, disables and deletes them.
import { api } from '../api.js';
import { when } from '../format.js';
import { html, useState } from '../html.js';
import { ScopePicker, ScopeText } from '../picker.js';
import { can } from '../session.js';
import { useSites } from '../sites.js';
import { Dialog, ErrorNote, Field, useAction, useFetch } from '../ui.js';
import { WeekCalendar } from './maintenance-week.js';

const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
// Monday first, as the week calendar; values are the API's 0 = Sunday ... 6 = Saturday.
const WEEK = [
  [1, 'Mon'],
  [2, 'Tue'],
  [3, 'Wed'],
  [4, 'Thu'],
  [5, 'Fri'],
  [6, 'Sat'],
  [0, 'Sun'],
];
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const ZONES =
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [ZONE, 'UTC'];

function scheduleText(s) {
  if (s.type === 'once') return `once: ${when(s.starts_at)} → ${when(s.ends_at)}`;
  const names = WEEK.filter(([d]) => s.days.includes(d)).map(([, n]) => n);
  return `weekly: ${names.join(', ')} ${s.start}–${s.end} (${s.timezone})`;
}

/** The API body of a window from the form. */
function windowBody(f) {
  return {
    name: f.name,
    scope: f.scope,
    enabled: f.enabled,
    notes: f.notes || null,
    schedule:
      f.kind === 'once'
        ? {
            type: 'once',
            starts_at: new Date(f.starts).toISOString(),
            ends_at: new Date(f.ends).toISOString(),
          }
        : { type: 'weekly', days: f.days, start: f.start, end: f.end, timezone: f.timezone },
  };
}

function WindowDialog({ window: w, onClose, onSaved }) {
  const now = new Date();
  const s = w?.schedule;
  const [f, setF] = useState({
    name: w?.name ?? '',
    scope: w?.scope ?? { type: 'all' },
    enabled: w?.enabled ?? true,
    notes: w?.notes ?? '',
    kind: s?.type ?? 'once',
    starts: s?.type === 'once' ? local(new Date(s.starts_at)) : local(now),
    ends: s?.type === 'once' ? local(new Date(s.ends_at)) : local(new Date(now.getTime() + 2 * 3600_000)),
    days: s?.type === 'weekly' ? s.days : [6],
    start: s?.type === 'weekly' ? s.start : '22:00',
    end: s?.type === 'weekly' ? s.end : '02:00',
    timezone: s?.type === 'weekly' ? s.timezone : ZONE,
  });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const toggleDay = (d) =>
    setF({ ...f, days: f.days.includes(d) ? f.days.filter((x) => x !== d) : [...f.days, d].sort() });
  const save = useAction(async () => {
    if (f.kind === 'weekly' && f.days.length === 0) throw new Error('Choose at least one day');
    if (f.scope.type !== 'all' && !f.scope.id) throw new Error(`Choose the ${f.scope.type}`);
    await api(w ? 'PUT' : 'POST', w ? `/maintenance/${w.id}` : '/maintenance', windowBody(f));
    onSaved();
  });
  return html`<${Dialog} title=${w ? `Edit ${w.name}` : 'Add a maintenance window'} onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <${Field} label="Name"><input required value=${f.name} onInput=${set('name')} /></${Field}>
      <${ScopePicker} scope=${f.scope} onChange=${(scope) => setF({ ...f, scope })} />
      <fieldset>
        <legend>When</legend>
        <div class="checks" role="radiogroup" aria-label="Repeats">
          <label class="check"><input type="radio" name="kind" value="once" checked=${f.kind === 'once'} onChange=${set('kind')} /> Once</label>
          <label class="check"><input type="radio" name="kind" value="weekly" checked=${f.kind === 'weekly'} onChange=${set('kind')} /> Every week</label>
        </div>
        ${
          f.kind === 'once'
            ? html`<div class="row">
          <${Field} label="Starts"><input type="datetime-local" required value=${f.starts} onInput=${set('starts')} /></${Field}>
          <${Field} label="Ends"><input type="datetime-local" required value=${f.ends} onInput=${set('ends')} /></${Field}>
        </div>`
            : html`<div class="checks" role="group" aria-label="Days">${WEEK.map(
                ([d, n]) =>
                  html`<label class="check"><input type="checkbox" checked=${f.days.includes(d)} onChange=${() => toggleDay(d)} /> ${n}</label>`,
              )}</div>
        <div class="row">
          <${Field} label="From"><input type="time" required value=${f.start} onInput=${set('start')} /></${Field}>
          <${Field} label="To" hint="Earlier than From: runs past midnight"><input type="time" required value=${f.end} onInput=${set('end')} /></${Field}>
          <${Field} label="Time zone"><input list="zones" required value=${f.timezone} onInput=${set('timezone')} /></${Field}>
        </div>
        <datalist id="zones">${ZONES.map((z) => html`<option value=${z}></option>`)}</datalist>`
        }
      </fieldset>
      <${Field} label="Notes"><input value=${f.notes} onInput=${set('notes')} /></${Field}>
      <label class="check"><input type="checkbox" checked=${f.enabled} onChange=${(e) => setF({ ...f, enabled: e.target.checked })} /> Enabled</label>
      <${ErrorNote} error=${save.error} />
      <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>${w ? 'Save' : 'Add window'}</button></div>
    </form>
  </${Dialog}>`;
}

export function MaintenanceTab() {
  const list = useFetch('/maintenance');
  const { byId } = useSites();
  const [editing, setEditing] = useState(null);
  const write = can('operator');
  const act = useAction(async (fn) => {
    await fn();
    list.reload();
  });
  const windows = list.data?.windows ?? [];
  const scopeOf = (s) => html`<${ScopeText} scope=${s} sitesById=${byId} />`;
  const toggle = (w) =>
    act.run(() =>
      api('PUT', `/maintenance/${w.id}`, {
        name: w.name,
        scope: w.scope,
        schedule: w.schedule,
        notes: w.notes,
        enabled: !w.enabled,
      }),
    );
  return html`<div>
    <div class="title-row"><h2>Maintenance windows</h2>${write ? html`<button type="button" class="primary" onClick=${() => setEditing('new')}>Add window</button>` : null}</div>
    <p class="muted">While a window is active, alerts in its scope are recorded but not notified; a problem still open when it ends is notified then.</p>
    <${ErrorNote} error=${list.error ?? act.error} />
    <${WeekCalendar} windows=${windows} scopeOf=${scopeOf} />
    <div class="table-wrap"><table data-testid="maintenance-table">
      <thead><tr><th>Name</th><th>Scope</th><th>When</th><th>State</th>${write ? html`<th><span class="sr">Actions</span></th>` : null}</tr></thead>
      <tbody>${windows.map(
        (w) => html`<tr>
        <td>${w.name}${w.notes ? html`<div class="muted small">${w.notes}</div>` : null}</td><td>${scopeOf(w.scope)}</td><td>${scheduleText(w.schedule)}</td>
        <td>${w.active_now ? html`<strong>● active now</strong>` : w.enabled ? 'scheduled' : 'disabled'}</td>
        ${
          write
            ? html`<td class="actions">
          <button type="button" onClick=${() => setEditing(w)} aria-label=${`Edit ${w.name}`}>Edit</button>
          <button type="button" onClick=${() => toggle(w)}>${w.enabled ? 'Disable' : 'Enable'}</button>
          <button type="button" class="danger" onClick=${() => confirm(`Delete ${w.name}?`) && act.run(() => api('DELETE', `/maintenance/${w.id}`))}>Delete</button></td>`
            : null
        }
      </tr>`,
      )}
      ${list.data && windows.length === 0 ? html`<tr><td colspan="5" class="muted">No maintenance windows.</td></tr>` : null}</tbody>
    </table></div>
    ${
      editing
        ? html`<${WindowDialog} window=${editing === 'new' ? null : editing} onClose=${() => setEditing(null)} onSaved=${() => {
            setEditing(null);
            list.reload();
          }} />`
        : null
    }
  </div>`;
}
