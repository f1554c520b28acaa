// API keys: your keys (admins: everyone's), create one (shown once), revoke.
import { api } from '../api.js';
import { ago, when } from '../format.js';
import { html, useState } from '../html.js';
import { can, currentUser } from '../session.js';
import { useSites } from '../sites.js';
import { CopyBox, Dialog, ErrorNote, Field, useAction, useFetch } from '../ui.js';

const ROLES = ['viewer', 'operator', 'admin'];

function CreateDialog({ onClose, onCreated }) {
  const me = currentUser();
  const { sites } = useSites();
  const allowed = ROLES.slice(0, ROLES.indexOf(me.role) + 1);
  const [f, setF] = useState({ name: '', role: me.role, site_id: '', expires: '' });
  const [made, setMade] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const save = useAction(async () => {
    const key = await api('POST', '/api-keys', {
      name: f.name,
      role: f.role,
      ...(f.site_id ? { site_id: Number(f.site_id) } : {}),
      ...(f.expires ? { expires_at: new Date(f.expires).toISOString() } : {}),
    });
    setMade(key);
    onCreated();
  });
  if (made)
    return html`<${Dialog} title="API key created" onClose=${onClose}>
      <p>Copy the key now: it is shown this once, the hub keeps only its hash.</p>
      <${CopyBox} text=${made.key} />
      <p class="muted small">Send it as <code>Authorization: Bearer …</code>.</p>
      <div class="actions"><button type="button" class="primary" onClick=${onClose}>Done</button></div>
    </${Dialog}>`;
  return html`<${Dialog} title="Create an API key" onClose=${onClose}>
    <form class="form" onSubmit=${(e) => {
      e.preventDefault();
      save.run();
    }}>
      <${Field} label="Name" hint="What uses it, e.g. grafana"><input required maxlength="200" value=${f.name} onInput=${set('name')} /></${Field}>
      <${Field} label="Role" hint="No higher than yours"><select value=${f.role} onChange=${set('role')}>${allowed.map((r) => html`<option>${r}</option>`)}</select></${Field}>
      <${Field} label="Site" hint="A key limited to a site sees only what belongs to it"><select value=${f.site_id} onChange=${set('site_id')}>
        <option value="">Every site</option>
        ${sites.map((s) => html`<option value=${s.id}>${s.name}</option>`)}
      </select></${Field}>
      <${Field} label="Expires" hint="Empty: never"><input type="datetime-local" value=${f.expires} onInput=${set('expires')} /></${Field}>
      <${ErrorNote} error=${save.error} />
      <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>Create key</button></div>
    </form>
  </${Dialog}>`;
}

export function ApiKeysPage() {
  const [all, setAll] = useState(false);
  const keys = useFetch(`/api-keys${all ? '?all=true' : ''}`);
  const { byId } = useSites();
  const [creating, setCreating] = useState(false);
  const revoke = useAction(async (k) => {
    if (!confirm(`Revoke the key ${k.name}? Whatever uses it stops working at once.`)) return;
    await api('DELETE', `/api-keys/${k.id}`);
    keys.reload();
  });
  return html`<section>
    <div class="title-row"><h1>API keys</h1><button type="button" class="primary" onClick=${() => setCreating(true)}>Create key</button></div>
    ${can('admin') ? html`<label><input type="checkbox" checked=${all} onChange=${(e) => setAll(e.target.checked)} /> Every user's keys</label>` : null}
    <${ErrorNote} error=${keys.error ?? revoke.error} />
    <div class="table-wrap"><table>
      <thead><tr><th>Name</th>${all ? html`<th>User</th>` : null}<th>Role</th><th>Site</th><th>Key</th><th>Created</th><th>Expires</th><th>Last used</th><th>State</th><th><span class="sr">Actions</span></th></tr></thead>
      <tbody>${(keys.data?.api_keys ?? []).map(
        (k) => html`<tr>
        <td>${k.name}</td>${all ? html`<td>${k.username ?? '—'}</td>` : null}<td>${k.role}</td>
        <td>${k.site_id === null ? 'every site' : (byId.get(k.site_id)?.name ?? `site ${k.site_id}`)}</td>
        <td><code>${k.prefix}…</code></td><td>${when(k.created_at)}</td><td>${k.expires_at ? when(k.expires_at) : 'never'}</td>
        <td>${k.last_used_at ? ago(k.last_used_at) : 'never'}</td><td>${k.state}</td>
        <td>${k.state === 'revoked' ? null : html`<button type="button" class="danger" onClick=${() => revoke.run(k)}>Revoke</button>`}</td>
      </tr>`,
      )}</tbody>
    </table></div>
    ${keys.data && keys.data.api_keys.length === 0 ? html`<p class="muted">No API keys yet.</p>` : null}
    ${
      creating
        ? html`<${CreateDialog} onClose=${() => setCreating(false)} onCreated=${() => keys.reload()} />`
        : null
    }
  </section>`;
}
