// The routes of a notification channel: which alerts it gets (scope, severities, rules), after how long
// (escalation delay) and how often again while open and unacknowledged (repeat interval).
import { html } from '../html.js';
import { ScopePicker } from '../picker.js';
import { Field, SEVERITIES, useFetch } from '../ui.js';

export const newRoute = () => ({
  scope: { type: 'all' },
  severities: null,
  rules: null,
  delay_s: 0,
  repeat_interval_s: null,
});

const minutes = (s) => (s === null || s === undefined ? '' : String(Math.round(s / 60)));
const seconds = (m) => (m === '' ? null : Math.round(Number(m) * 60));

function RouteEditor({ route, index, rules, onChange, onRemove }) {
  const r = route;
  const set = (patch) => onChange({ ...r, ...patch });
  const toggleSeverity = (s) => {
    const cur = r.severities ?? [];
    const next = cur.includes(s) ? cur.filter((x) => x !== s) : [...cur, s];
    set({ severities: next.length ? SEVERITIES.filter((x) => next.includes(x)) : null });
  };
  const label = `Route ${index + 1}`;
  return html`<fieldset class="route" aria-label=${label}>
    <legend>${label}</legend>
    <${ScopePicker} scope=${r.scope} label="Alerts about" onChange=${(scope) => set({ scope })} />
    <div class="checks" role="group" aria-label=${`${label} severities`}>
      <span>Severities:</span>
      ${SEVERITIES.map(
        (s) =>
          html`<label class="check"><input type="checkbox" checked=${r.severities?.includes(s) ?? false} onChange=${() => toggleSeverity(s)} /> ${s}</label>`,
      )}
      <small class="muted">${r.severities ? '' : 'none ticked: the channel’s lowest severity and above'}</small>
    </div>
    <${Field} label="Rules" hint="None selected: every rule">
      <select multiple size="4" aria-label=${`${label} rules`} onChange=${(e) => {
        const chosen = [...e.target.selectedOptions].map((o) => o.value);
        set({ rules: chosen.length ? chosen : null });
      }}>${rules.map((x) => html`<option value=${x.key} selected=${r.rules?.includes(x.key) ?? false}>${x.name}</option>`)}</select>
    </${Field}>
    <div class="row">
      <${Field} label="Escalation delay (minutes)" hint="Notify only when still open and unacknowledged this long">
        <input type="number" min="0" max="10080" value=${minutes(r.delay_s)} onInput=${(e) => set({ delay_s: seconds(e.target.value) ?? 0 })} /></${Field}>
      <${Field} label="Repeat every (minutes)" hint="Empty: the hub default; 0: never">
        <input type="number" min="0" max="10080" value=${minutes(r.repeat_interval_s)} onInput=${(e) => set({ repeat_interval_s: seconds(e.target.value) })} /></${Field}>
    </div>
    <button type="button" class="danger" onClick=${onRemove}>Remove ${label.toLowerCase()}</button>
  </fieldset>`;
}

export function RoutesEditor({ routes, onChange }) {
  const rules = useFetch('/alert-rules');
  const list = rules.data?.rules ?? [];
  return html`<fieldset>
    <legend>Routes</legend>
    <p class="muted small">${routes.length ? 'An alert goes to this channel when any route matches it.' : 'No routes: every alert at or above the lowest severity, at once, repeated at the hub default interval.'}</p>
    ${routes.map(
      (r, i) => html`<${RouteEditor} route=${r} index=${i} rules=${list}
        onChange=${(next) => onChange(routes.map((x, j) => (j === i ? next : x)))}
        onRemove=${() => onChange(routes.filter((_, j) => j !== i))} />`,
    )}
    <button type="button" onClick=${() => onChange([...routes, newRoute()])}>Add a route</button>
  </fieldset>`;
}
