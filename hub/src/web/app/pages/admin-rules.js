// Alert rules: built-in and threshold rules; enable, severity, add a threshold rule.
import { api } from '../api.js';
import { html, useState } from '../html.js';
import { Dialog, ErrorNote, Field, SEVERITIES, useAction, useFetch } from '../ui.js';

function RuleDialog({ onClose, onSaved }) {
  const [f, setF] = useState({
    name: '',
    severity: 'medium',
    metric: 'cpu_load',
    comparison: '>',
    threshold: '90',
    for_s: '300',
  });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const save = useAction(async () => {
    await api('POST', '/alert-rules', {
      name: f.name,
      severity: f.severity,
      params: {
        metric: f.metric,
        scope: { type: 'all' },
        comparison: f.comparison,
        threshold: Number(f.threshold),
        for_s: Number(f.for_s),
      },
    });
    onSaved();
  });
  return html`<${Dialog} title="Add a threshold rule" onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <${Field} label="Name"><input required value=${f.name} onInput=${set('name')} /></${Field}>
      <${Field} label="Severity"><select value=${f.severity} onChange=${set('severity')}>${SEVERITIES.map((s) => html`<option>${s}</option>`)}</select></${Field}>
      <${Field} label="Metric" hint="e.g. cpu_load, mem_used_percent, if_in_utilization"><input required value=${f.metric} onInput=${set('metric')} /></${Field}>
      <${Field} label="Comparison"><select value=${f.comparison} onChange=${set('comparison')}>${['>', '>=', '<', '<='].map((c) => html`<option>${c}</option>`)}</select></${Field}>
      <${Field} label="Threshold"><input type="number" step="any" required value=${f.threshold} onInput=${set('threshold')} /></${Field}>
      <${Field} label="For (seconds)"><input type="number" min="0" value=${f.for_s} onInput=${set('for_s')} /></${Field}>
      <${ErrorNote} error=${save.error} />
      <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>Add rule</button></div>
    </form>
  </${Dialog}>`;
}

export function RulesTab() {
  const list = useFetch('/alert-rules');
  const [adding, setAdding] = useState(false);
  const patch = useAction(async (r, body) => {
    await api('PATCH', `/alert-rules/${r.id}`, body);
    list.reload();
  });
  const remove = useAction(async (r) => {
    if (!confirm(`Delete rule ${r.name}?`)) return;
    await api('DELETE', `/alert-rules/${r.id}`);
    list.reload();
  });
  return html`<div>
    <div class="title-row"><h2>Alert rules</h2><button type="button" class="primary" onClick=${() => setAdding(true)}>Add threshold rule</button></div>
    <${ErrorNote} error=${list.error ?? patch.error ?? remove.error} />
    <div class="table-wrap"><table>
      <thead><tr><th>Rule</th><th>Kind</th><th>Severity</th><th>Enabled</th><th><span class="sr">Actions</span></th></tr></thead>
      <tbody>${(list.data?.rules ?? []).map(
        (r) => html`<tr>
        <td>${r.name}<div class="muted small">${r.description ?? ''}</div></td><td>${r.kind}</td>
        <td><select aria-label=${`Severity of ${r.name}`} value=${r.severity} onChange=${(e) => patch.run(r, { severity: e.target.value })}>${SEVERITIES.map((s) => html`<option>${s}</option>`)}</select></td>
        <td><input type="checkbox" aria-label=${`Enable ${r.name}`} checked=${r.enabled} onChange=${(e) => patch.run(r, { enabled: e.target.checked })} /></td>
        <td>${r.builtin ? null : html`<button type="button" class="danger" onClick=${() => remove.run(r)}>Delete</button>`}</td>
      </tr>`,
      )}</tbody>
    </table></div>
    ${
      adding
        ? html`<${RuleDialog} onClose=${() => setAdding(false)} onSaved=${() => {
            setAdding(false);
            list.reload();
          }} />`
        : null
    }
  </div>`;
}
