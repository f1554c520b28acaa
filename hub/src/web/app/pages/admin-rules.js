// Alert rules: built-in ones (enable, severity) and threshold rules (add, edit with a 24 h preview, delete).
import { api } from '../api.js';
import { html, useState } from '../html.js';
import { can } from '../session.js';
import { ErrorNote, SEVERITIES, useAction, useFetch } from '../ui.js';
import { RuleForm } from './rule-form.js';

function paramsText(r) {
  if (r.kind !== 'threshold') return r.description ?? '';
  const p = r.params;
  return `${p.metric} ${p.comparison} ${p.threshold}${p.for_s ? ` for ${Math.round(p.for_s / 60)} min` : ''}${p.recovery_threshold !== undefined ? `, recovers at ${p.recovery_threshold}` : ''}`;
}

export function RulesTab() {
  const list = useFetch('/alert-rules');
  const [editing, setEditing] = useState(null);
  const write = can('operator');
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
    <div class="title-row"><h2>Alert rules</h2>${write ? html`<button type="button" class="primary" onClick=${() => setEditing('new')}>Add threshold rule</button>` : null}</div>
    <${ErrorNote} error=${list.error ?? patch.error ?? remove.error} />
    <div class="table-wrap"><table data-testid="rules-table">
      <thead><tr><th>Rule</th><th>Kind</th><th>Severity</th><th>Enabled</th>${write ? html`<th><span class="sr">Actions</span></th>` : null}</tr></thead>
      <tbody>${(list.data?.rules ?? []).map(
        (r) => html`<tr>
        <td>${r.name}<div class="muted small">${paramsText(r)}</div></td><td>${r.kind}</td>
        <td><select aria-label=${`Severity of ${r.name}`} disabled=${!write} value=${r.severity} onChange=${(e) => patch.run(r, { severity: e.target.value })}>${SEVERITIES.map((s) => html`<option>${s}</option>`)}</select></td>
        <td><input type="checkbox" aria-label=${`Enable ${r.name}`} disabled=${!write} checked=${r.enabled} onChange=${(e) => patch.run(r, { enabled: e.target.checked })} /></td>
        ${
          write
            ? html`<td class="actions">${
                r.builtin
                  ? null
                  : html`<button type="button" onClick=${() => setEditing(r)} aria-label=${`Edit ${r.name}`}>Edit</button>
              ${can('admin') ? html`<button type="button" class="danger" onClick=${() => remove.run(r)}>Delete</button>` : null}`
              }</td>`
            : null
        }
      </tr>`,
      )}</tbody>
    </table></div>
    ${
      editing
        ? html`<${RuleForm} rule=${editing === 'new' ? null : editing} onClose=${() => setEditing(null)} onSaved=${() => {
            setEditing(null);
            list.reload();
          }} />`
        : null
    }
  </div>`;
}
